// The batch timeline: one row per guest, one bar per step and undo handler, on an axis of seconds
// since the approval, drawn as SVG from the step timings of GET /api/batches/{id}.
// DOM calls and CSS classes (audit.css) only: no library, so the Dom0 needs no internet; no
// inline style, which the page's Content-Security-Policy forbids; API data goes in as text.

const SVG = 'http://www.w3.org/2000/svg';
const ROW_HEIGHT = 24;        // fixed, so 1 guest and 400 read alike: the SVG grows instead
const BAR_HEIGHT = 14;
const MIN_BAR_WIDTH = 2;      // a 3 ms step must still show
const AXIS_HEIGHT = 22;
const TICK_SPACING = 90;      // px wanted between axis labels
const RIGHT_MARGIN = 24;      // room for the last tick label, centred on the right edge
const BOTTOM_AXIS_ROWS = 16;  // from this many rows the axis is repeated below: the top one has scrolled away
const MAX_LABEL = 28;         // characters of a host name shown (RFC 1123 allows 63); the full one is in the tooltip
const STEP_COLOURS = 8;       // .kind-0 … .kind-7 in audit.css, reused in turn by a longer process
const MARKER_RADIUS = 6;
const HATCH_ID = 'timeline-hatch';
const GUEST_CLASSES = { PENDING: 'pending', RUNNING: 'running', PROVISIONED: 'provisioned', ROLLED_BACK: 'failed' };

/** A step's duration as the page shows it everywhere: the guest table and the timeline's tooltips. */
export function duration(ms) {
  if (ms === null || ms === undefined) return 'running';
  return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s';
}

/** Draws the batch into the figure, replacing what it held; hides the figure while no step has run. */
export function drawTimeline(figure, batch, now = Date.now()) {
  figure.replaceChildren();
  const origin = timeOrigin(batch);
  const rows = batch.guestList.map(guest => ({ guest, spans: guestSpans(guest, origin.at, now) }));
  figure.hidden = !rows.some(row => row.spans.length);
  if (figure.hidden) return;

  const kinds = stepKinds(batch.guestList);
  const chart = svg('svg', { class: 'timeline-chart', role: 'img', 'aria-label': summary(batch, rows) });
  figure.append(caption(origin), legend(kinds, rows), chart);
  // measured once the figure is shown: the chart fills the page's width, whatever the screen
  const layout = layoutFor(figure.clientWidth, rows);
  const axis = timeAxis(rows, layout);
  chart.setAttribute('width', layout.width);
  chart.setAttribute('height', layout.height);
  chart.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);

  // bands, then grid, then bars: the grid shows through the bands but never crosses a bar
  chart.append(hatchPattern(), rowBands(rows, layout), grid(axis, layout), axisLabels(axis, AXIS_HEIGHT - 8));
  const rowGroup = svg('g', { class: 'rows' });
  chart.append(rowGroup);
  const notes = rows.map((row, index) => guestRow(rowGroup, row, index, layout, axis, kinds)).filter(Boolean);
  placeNotes(notes, layout);
  if (rows.length >= BOTTOM_AXIS_ROWS) chart.append(axisLabels(axis, layout.rowsBottom + 15));
}

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function withTitle(node, text) {
  node.append(svg('title', {}, text));
  return node;
}

/** Time zero: the approval, since no step runs before it; an older record without one starts at its first step. */
function timeOrigin(batch) {
  const approved = batch.approval && batch.approval.at;
  if (approved) return { at: Date.parse(approved), what: 'approval' };
  const starts = batch.guestList.flatMap(guest => [...guest.steps, ...guest.undone]).map(a => Date.parse(a.start));
  return { at: starts.length ? Math.min(...starts) : Date.now(), what: 'first step' };
}

/** A guest's steps, then its undo handlers, in seconds from the origin; one still running ends now. */
function guestSpans(guest, origin, now) {
  const span = (activity, undo) => {
    const start = Date.parse(activity.start);
    const end = activity.end ? Date.parse(activity.end) : Math.max(now, start);
    return { id: activity.id, name: activity.name || activity.id, undo, running: !activity.end,
      start: (start - origin) / 1000, end: (end - origin) / 1000, millis: activity.durationMillis ?? end - start };
  };
  const spans = [...guest.steps.map(a => span(a, false)), ...guest.undone.map(a => span(a, true))];
  // the step that threw is the last one a rolled-back guest started
  const steps = spans.filter(s => !s.undo);
  if (guest.state === 'ROLLED_BACK' && steps.length) steps[steps.length - 1].failed = true;
  return spans;
}

/** One colour per step, in the order the steps first ran, so a changed process still gets a legend that fits. */
function stepKinds(guests) {
  const kinds = new Map();
  for (const activity of guests.flatMap(guest => guest.steps)) {
    if (!kinds.has(activity.id)) {
      kinds.set(activity.id, { name: activity.name || activity.id, className: 'kind-' + (kinds.size % STEP_COLOURS) });
    }
  }
  return kinds;
}

function summary(batch, rows) {
  const end = Math.max(...rows.flatMap(row => row.spans.map(s => s.end)));
  const failed = rows.filter(row => row.guest.state === 'ROLLED_BACK').map(row => row.guest.hostname);
  const names = failed.slice(0, 5).join(', ') + (failed.length > 5 ? ` and ${failed.length - 5} more` : '');
  return `Timeline of batch ${batch.id}: ${rows.length} guest${rows.length === 1 ? '' : 's'} over ${end.toFixed(1)} s, `
    + `${batch.provisioned} provisioned, ${batch.rolledBack} rolled back${failed.length ? ' (' + names + ')' : ''}.`;
}

function caption(origin) {
  return textElement('figcaption', `Timeline: seconds since the ${origin.what} at ${new Date(origin.at).toLocaleString()}. `
    + 'Hover a bar for its step, start and duration.');
}

function textElement(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

/**
 * The legend is HTML, so it wraps on a narrow page; its swatches are small SVGs with the bars' own
 * classes. Undo, failure and running are listed only when the batch has them.
 */
function legend(kinds, rows) {
  const spans = rows.flatMap(row => row.spans);
  const list = textElement('ul', '', 'timeline-legend');
  const item = (swatch, text) => {
    const entry = textElement('li', '');
    entry.append(swatch, textElement('span', text));
    list.append(entry);
  };
  const bar = className => {
    const swatch = svg('svg', { class: 'swatch', width: 22, height: 12, 'aria-hidden': 'true' });
    swatch.append(svg('rect', { class: className, x: 0.5, y: 0.5, width: 21, height: 11 }));
    return swatch;
  };
  for (const kind of kinds.values()) item(bar('bar step ' + kind.className), kind.name);
  if (spans.some(s => s.undo)) item(bar('bar undo'), 'undo (compensation)');
  if (spans.some(s => s.failed)) {
    const marker = svg('svg', { class: 'swatch', width: 14, height: 14, 'aria-hidden': 'true' });
    marker.append(failureMarker(MARKER_RADIUS + 1, MARKER_RADIUS + 1));
    item(marker, 'failed step (guest rolled back)');
  }
  if (spans.some(s => s.running)) item(bar('bar step neutral running'), 'running');
  return list;
}

function layoutFor(availableWidth, rows) {
  const width = Math.max(availableWidth, 480);
  const longest = Math.max(...rows.map(row => Math.min(row.guest.hostname.length, MAX_LABEL)));
  const labelWidth = Math.min(240, Math.max(90, 20 + 7.5 * longest));
  const rowsTop = AXIS_HEIGHT;
  const rowsBottom = rowsTop + rows.length * ROW_HEIGHT;
  const height = rowsBottom + (rows.length >= BOTTOM_AXIS_ROWS ? AXIS_HEIGHT : 4);
  return { width, height, labelWidth, left: labelWidth, right: width - RIGHT_MARGIN, rowsTop, rowsBottom };
}

/** A scale from seconds to x, with round ticks (1, 2 or 5 times a power of ten) about TICK_SPACING apart. */
function timeAxis(rows, layout) {
  const spans = rows.flatMap(row => row.spans);
  const first = Math.min(0, ...spans.map(s => s.start));
  const last = Math.max(...spans.map(s => s.end));
  const step = tickStep(Math.max(last - first, 0.1), (layout.right - layout.left) / TICK_SPACING);
  const start = Math.floor(first / step) * step;
  const count = Math.max(1, Math.ceil((last - start) / step - 1e-9));
  const end = start + count * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks = [];
  for (let i = 0; i <= count; i++) {
    const seconds = start + i * step;
    // rounded to the step's precision, without trailing zeros: 0 s, 0.05 s, 0.1 s
    ticks.push({ seconds, label: Number(seconds.toFixed(decimals)) + ' s' });
  }
  const x = seconds => layout.left + (seconds - start) / (end - start) * (layout.right - layout.left);
  return { ticks, x };
}

function tickStep(span, wantedTicks) {
  const raw = span / Math.max(1, Math.floor(wantedTicks));
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map(m => m * power).find(step => step >= raw * (1 - 1e-9));
}

function grid(axis, layout) {
  const lines = svg('g', { class: 'grid' });
  for (const tick of axis.ticks) {
    const x = axis.x(tick.seconds);
    lines.append(svg('line', { x1: x, x2: x, y1: layout.rowsTop - 4, y2: layout.rowsBottom,
      class: tick.seconds === 0 ? 'origin' : 'tick' }));
  }
  return lines;
}

function axisLabels(axis, y) {
  const labels = svg('g', { class: 'axis' });
  for (const tick of axis.ticks) labels.append(svg('text', { class: 'tick-label', x: axis.x(tick.seconds), y }, tick.label));
  return labels;
}

/** Undo bars are hatched, so they read as "taken back" even in grey print. */
function hatchPattern() {
  const defs = svg('defs');
  const pattern = svg('pattern', { id: HATCH_ID, width: 6, height: 6, patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)' });
  pattern.append(svg('rect', { class: 'hatch-ground', width: 6, height: 6 }),
    svg('line', { class: 'hatch-line', x1: 0, y1: 0, x2: 0, y2: 6 }));
  defs.append(pattern);
  return defs;
}

/** Alternate shading, and a tint for a rolled-back guest, so a row can be followed across a wide page. */
function rowBands(rows, layout) {
  const bands = svg('g', { class: 'bands' });
  rows.forEach(({ guest }, index) => bands.append(svg('rect', { class: 'row-band ' + (GUEST_CLASSES[guest.state] || ''),
    x: 0, y: layout.rowsTop + index * ROW_HEIGHT, width: layout.width, height: ROW_HEIGHT })));
  return bands;
}

/** Draws one guest's row into the parent; returns the note of a rolled-back guest, still to be placed. */
function guestRow(parent, { guest, spans }, index, layout, axis, kinds) {
  const middle = layout.rowsTop + index * ROW_HEIGHT + ROW_HEIGHT / 2;
  const row = svg('g', { class: 'row ' + (GUEST_CLASSES[guest.state] || ''), 'data-hostname': guest.hostname });
  const label = guest.hostname.length > MAX_LABEL ? guest.hostname.slice(0, MAX_LABEL - 1) + '…' : guest.hostname;
  row.append(withTitle(svg('text', { class: 'row-label', x: layout.labelWidth - 10, y: middle }, label),
    `${guest.hostname}: ${guest.state}` + (guest.error ? '\n' + guest.error : '')));
  parent.append(row);
  if (!spans.length) {
    row.append(svg('text', { class: 'note idle', x: layout.left + 6, y: middle }, 'no step has run yet'));
    return null;
  }
  // a thin line over the guest's whole time, so the gaps between its bars (waiting for the job executor) read as its own
  const from = axis.x(Math.min(...spans.map(s => s.start)));
  const to = axis.x(Math.max(...spans.map(s => s.end)));
  row.append(svg('line', { class: 'lifeline', x1: from, x2: to, y1: middle, y2: middle }));
  for (const span of spans) row.append(bar(span, middle - BAR_HEIGHT / 2, axis, kinds));
  const failed = spans.find(s => s.failed);
  if (!failed) return null;
  // just after the failed bar, which may be a few pixels wide: the marker must not hide it
  row.append(withTitle(failureMarker(axis.x(failed.end) + MARKER_RADIUS + 2, middle),
    `${guest.hostname} failed at ${failed.name}` + (guest.error ? ':\n' + guest.error : '')));
  const undone = spans.filter(s => s.undo).map(s => s.name);
  const text = svg('text', { class: 'note undo-note', y: middle },
    undone.length ? 'undo: ' + undone.join(', ') : 'failed before anything needed undoing');
  row.append(text);
  return { text, from, to: to + 2 * MARKER_RADIUS };
}

function bar(span, y, axis, kinds) {
  const x = axis.x(span.start);
  const width = Math.max(MIN_BAR_WIDTH, axis.x(span.end) - x);
  const classes = ['bar', span.undo ? 'undo' : 'step'];
  if (!span.undo) classes.push(kinds.get(span.id).className);
  if (span.running) classes.push('running');
  if (span.failed) classes.push('failed');
  const title = (span.undo ? 'undo: ' : '') + span.name + (span.failed ? ' (failed)' : '')
    + `\nstarted at +${span.start.toFixed(2)} s, ` + (span.running ? 'running for ' : 'took ') + duration(span.millis);
  return withTitle(svg('rect', { class: classes.join(' '), x, y, width, height: BAR_HEIGHT, 'data-step': span.id }), title);
}

function failureMarker(x, y) {
  const marker = svg('g', { class: 'failure-marker' });
  marker.append(svg('circle', { cx: x, cy: y, r: MARKER_RADIUS }),
    svg('path', { d: `M${x - 2.5},${y - 2.5} l5,5 m0,-5 l-5,5` }));
  return marker;
}

/**
 * A rolled-back guest's note says in words what its row shows: what was undone. It goes after the
 * row's last bar, or before its first one when that is too close to the right edge, or is left out
 * (tooltips and legend still tell) when neither side has room. All widths are measured before any
 * note moves: one layout for the whole chart, not one per note.
 */
function placeNotes(notes, layout) {
  const widths = notes.map(({ text }) => text.getComputedTextLength());
  notes.forEach(({ text, from, to }, i) => {
    if (to + 8 + widths[i] <= layout.width - 4) {
      text.setAttribute('x', to + 8);
    } else if (from - 8 - widths[i] >= layout.left) {
      text.setAttribute('x', from - 8 - widths[i]);
    } else {
      text.remove();
    }
  });
}

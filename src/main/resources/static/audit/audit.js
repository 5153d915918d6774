// Batch audit: lists batches from GET /api/batches and shows one from GET /api/batches/{id}.
// Everything the API returns is put into the page as text, never as HTML.
import { drawTimeline, duration } from './timeline.js';

const main = document.querySelector('main');
const stateFilter = document.getElementById('state-filter');
const timeline = document.getElementById('timeline');
/** The batch on show and the width its timeline was drawn at. */
let shownBatch = null;
let drawnWidth = null;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

async function api(path) {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
  return response.json();
}

async function showList() {
  shownBatch = null;
  document.getElementById('batch').hidden = true;
  document.getElementById('batches').hidden = false;
  const state = stateFilter.value;
  const batches = await api('/api/batches' + (state ? '?state=' + encodeURIComponent(state) : ''));
  const body = document.querySelector('#batch-table tbody');
  body.replaceChildren();
  for (const batch of batches) {
    const row = el('tr');
    row.dataset.batch = batch.id;
    const link = el('a', batch.id);
    link.href = '#batch=' + encodeURIComponent(batch.id);
    const idCell = el('td');
    idCell.append(link);
    row.append(idCell, el('td', batch.name), el('td', batch.state, 'state state-' + batch.state),
      el('td', batch.submittedBy), el('td', time(batch.submittedAt)), el('td', batch.approvedBy),
      el('td', batch.guests), el('td', batch.provisioned), el('td', batch.rolledBack));
    body.append(row);
  }
  main.dataset.loaded = 'list';
}

function activityList(activities) {
  const list = el('ul', null, 'steps');
  for (const a of activities) {
    list.append(el('li', (a.name || a.id) + ' — ' + duration(a.durationMillis) + ' (' + time(a.start) + ')'));
  }
  return list;
}

async function showBatch(id) {
  const batch = await api('/api/batches/' + encodeURIComponent(id));
  document.getElementById('batches').hidden = true;
  document.getElementById('batch').hidden = false;
  document.getElementById('batch-title').textContent = 'Batch ' + batch.id + ' · ' + (batch.name || '');
  const facts = document.getElementById('batch-facts');
  facts.replaceChildren();
  const approval = batch.approval || {};
  const rows = [
    ['State', batch.state], ['Submitted by', batch.submittedBy], ['Submitted at', time(batch.submittedAt)],
    ['Decision', batch.approval ? (approval.approved ? 'approved' : 'rejected') : 'pending'],
    ['Decided by', approval.by], ['Decided at', time(approval.at)], ['Comment', approval.comment],
    ['Finished at', time(batch.finishedAt)],
    ['Outcome', batch.provisioned + ' of ' + batch.guests + ' provisioned, ' + batch.rolledBack + ' rolled back'],
  ];
  for (const [name, value] of rows) {
    const dd = el('dd', value);
    dd.dataset.fact = name;
    facts.append(el('dt', name), dd);
  }
  document.getElementById('batch-csv').href = '/api/batches/' + encodeURIComponent(batch.id) + '/audit.csv';
  const body = document.querySelector('#guest-table tbody');
  body.replaceChildren();
  for (const guest of batch.guestList) {
    const row = el('tr');
    row.dataset.hostname = guest.hostname;
    const steps = el('td');
    steps.append(activityList(guest.steps));
    const undone = el('td');
    undone.append(activityList(guest.undone));
    row.append(el('td', guest.line), el('td', guest.hostname), el('td', guest.ip), el('td', guest.mac),
      el('td', guest.state, 'state state-' + guest.state), steps, undone, el('td', guest.error));
    body.append(row);
  }
  // drawn last, when the table has made the page as long (and its scroll bar as present) as it will be
  showTimeline(batch);
  main.dataset.loaded = 'batch';
}

function showTimeline(batch) {
  shownBatch = batch;
  drawTimeline(timeline, batch);
  drawnWidth = timeline.clientWidth;
}

async function route() {
  document.getElementById('message').textContent = '';
  delete main.dataset.loaded;
  const match = /^#batch=(.+)$/.exec(location.hash);
  try {
    if (match) {
      await showBatch(decodeURIComponent(match[1]));
    } else {
      await showList();
    }
  } catch (e) {
    document.getElementById('message').textContent = e.message;
    main.dataset.loaded = 'error';
  }
}

stateFilter.addEventListener('change', route);
window.addEventListener('hashchange', route);
// The timeline is drawn to the page's width: draw it again when that changes (a resized window,
// a scroll bar that came or went), not when only its own height does.
new ResizeObserver(() => {
  if (shownBatch && !timeline.hidden && timeline.clientWidth !== drawnWidth) showTimeline(shownBatch);
}).observe(timeline);
route();

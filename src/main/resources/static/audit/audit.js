// Batch audit: lists batches from GET /api/batches, shows one from GET /api/batches/{id}, and its
// plan (the files each guest's steps write and remove) from GET /api/batches/{id}/plan.
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

/** Shows one of the page's sections, hides the others. */
function showSection(id) {
  for (const section of ['batches', 'batch', 'plan']) {
    document.getElementById(section).hidden = section !== id;
  }
}

function batchHref(id) {
  return '#batch=' + encodeURIComponent(id);
}

function batchLink(id, text) {
  const link = el('a', text || id);
  link.href = batchHref(id);
  return link;
}

function planHref(id, hostname) {
  return '#plan=' + encodeURIComponent(id) + (hostname ? '&guest=' + encodeURIComponent(hostname) : '');
}

/** A MAC, marked when the product assigned it (the list left it empty). */
function macCell(guest) {
  const cell = el('td', guest.mac);
  if (guest.macAssigned) cell.append(' ', el('span', '(assigned)', 'assigned'));
  return cell;
}

// An admin can delete a batch's history through /engine-rest; the ledger still holds its decision and outcomes.
const HISTORY_DELETED_SHORT = 'engine history deleted';
const HISTORY_DELETED = "deleted: the engine's detail of this batch is gone; the decision and each guest's outcome "
  + "are the ledger's, the steps' timings are lost";

async function showList() {
  shownBatch = null;
  showSection('batches');
  const state = stateFilter.value;
  const batches = await api('/api/batches' + (state ? '?state=' + encodeURIComponent(state) : ''));
  const body = document.querySelector('#batch-table tbody');
  body.replaceChildren();
  for (const batch of batches) {
    const row = el('tr');
    row.dataset.batch = batch.id;
    const idCell = el('td');
    idCell.append(batchLink(batch.id));
    if (batch.retryOf) idCell.append(el('br'), 'retry of ', batchLink(batch.retryOf));
    const stateCell = el('td', batch.state, 'state state-' + batch.state);
    if (batch.engineHistory === 'deleted') stateCell.append(el('br'), el('small', HISTORY_DELETED_SHORT, 'history-deleted'));
    row.append(idCell, el('td', batch.name), stateCell,
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
  showSection('batch');
  document.getElementById('batch-title').textContent = 'Batch ' + batch.id + ' · ' + (batch.name || '');
  const facts = document.getElementById('batch-facts');
  facts.replaceChildren();
  const approval = batch.approval || {};
  const rows = [
    ['State', batch.state], ['Submitted by', batch.submittedBy], ['Submitted at', time(batch.submittedAt)],
    ['Decision', batch.approval ? (approval.approved ? 'approved' : 'rejected') : 'pending'],
    ['Decided by', approval.by], ['Decided at', time(approval.at)], ['Comment', approval.comment],
    ['Finished at', time(batch.finishedAt)],
    ['Engine history', batch.engineHistory === 'deleted' ? HISTORY_DELETED : 'kept'],
    ['Outcome', batch.provisioned + ' of ' + batch.guests + ' provisioned, ' + batch.rolledBack + ' rolled back'],
  ];
  for (const [name, value] of rows) {
    const dd = el('dd', value);
    dd.dataset.fact = name;
    facts.append(el('dt', name), dd);
  }
  const links = [['Retry of', batch.retryOf ? [batch.retryOf] : []], ['Retries', batch.retries || []]];
  for (const [name, ids] of links) {
    if (ids.length === 0) continue;
    const dd = el('dd');
    dd.dataset.fact = name;
    ids.forEach((other, i) => dd.append(i ? ', ' : '', batchLink(other)));
    facts.append(el('dt', name), dd);
  }
  document.getElementById('batch-csv').href = '/api/batches/' + encodeURIComponent(batch.id) + '/audit.csv';
  document.getElementById('batch-plan').href = planHref(batch.id);
  const body = document.querySelector('#guest-table tbody');
  body.replaceChildren();
  for (const guest of batch.guestList) {
    const row = el('tr');
    row.dataset.hostname = guest.hostname;
    const steps = el('td');
    steps.append(activityList(guest.steps));
    const undone = el('td');
    undone.append(activityList(guest.undone));
    const name = el('td', guest.hostname);
    const plan = el('a', 'plan', 'plan-link');
    plan.href = planHref(batch.id, guest.hostname);
    name.append(' (', plan, ')');
    const state = el('td', guest.state, 'state state-' + guest.state);
    if (guest.waitingFor) state.append(el('div', guest.waitingFor.message, 'waiting'));
    row.append(el('td', guest.line), name, el('td', guest.ip), macCell(guest), el('td', guest.dom0, 'dom0'),
      state, steps, undone, el('td', guest.error));
    body.append(row);
  }
  // drawn last, when the table has made the page as long (and its scroll bar as present) as it will be
  showTimeline(batch);
  main.dataset.loaded = 'batch';
}

/** One file of a guest's plan: what happens to it, where, and its full content when it is written. */
function planFile(file) {
  const item = el('div', null, 'plan-file');
  item.dataset.path = file.path;
  const head = el('div', null, 'plan-file-head');
  head.append(el('span', file.action, 'action ' + file.action), ' ', el('span', file.path, 'path'), ' ',
    el('span', '(' + (file.where === 'dom0' ? 'on the Dom0' : 'in the guest')
      + (file.mode ? ', ' + file.mode : '') + (file.renamedTo ? ', set aside as ' + file.renamedTo : '') + ')', 'where'));
  item.append(head);
  if (file.action === 'write') {
    if (file.content === '') head.append(' ', el('em', 'emptied (0 bytes)'));
    item.append(el('pre', file.content));
  }
  return item;
}

async function showPlan(id, chosen) {
  const [batch, plan] = await Promise.all([api('/api/batches/' + encodeURIComponent(id)),
    api('/api/batches/' + encodeURIComponent(id) + '/plan')]);
  showSection('plan');
  document.getElementById('plan-title').textContent = 'Plan of batch ' + batch.id + ' · ' + (batch.name || '')
    + (chosen ? ' · ' + chosen : '');
  document.getElementById('plan-about').textContent = batch.state === 'AWAITING_APPROVAL'
    ? 'What each guest will get once the batch is approved: every file written (its full content) and removed, '
      + 'rendered by the code the steps write them with.'
    : 'The batch is ' + batch.state + '. Each guest\'s files are as its steps wrote them (recorded as they ran); '
      + 'where its steps wrote none, its note says where the files shown come from.';
  document.getElementById('plan-batch').href = batchHref(batch.id);
  const all = document.getElementById('plan-all');
  all.hidden = !chosen;
  all.href = planHref(batch.id);
  const guests = document.getElementById('plan-guests');
  guests.replaceChildren();
  for (const guest of plan) {
    if (chosen && guest.hostname !== chosen) continue;
    const article = el('article', null, 'plan-guest' + (chosen ? ' chosen' : ''));
    article.dataset.hostname = guest.hostname;
    const title = el('h3', guest.hostname + ' on ' + guest.dom0 + ' · MAC ' + guest.mac);
    if (guest.macAssigned) title.append(' ', el('span', '(assigned)', 'assigned'));
    article.append(title);
    if (guest.note) article.append(el('p', guest.note, 'plan-note'));
    for (const file of guest.files || []) article.append(planFile(file));
    guests.append(article);
  }
  main.dataset.loaded = 'plan';
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
  const plan = /^#plan=([^&]+)(?:&guest=(.+))?$/.exec(location.hash);
  try {
    if (match) {
      await showBatch(decodeURIComponent(match[1]));
    } else if (plan) {
      shownBatch = null;
      await showPlan(decodeURIComponent(plan[1]), plan[2] ? decodeURIComponent(plan[2]) : null);
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

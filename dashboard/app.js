/* app.js: the stoat-mock dashboard (README.md, "Dashboard").
 *
 * Reads GET ui/snapshot (state, faults, journal entries after the last one seen,
 * discriminator changes: one read of one moment) and GET sessions (the events
 * gateway's, when there is one: the panel stays hidden while it answers 404), again
 * after every `change` event of the stream at ui/changes. Acts through the control
 * API (reset, users, faults, state, events, sessions).
 *
 * Every string from the server reaches the page as text (textContent, text nodes):
 * nothing is ever parsed as markup, and the page's Content-Security-Policy would not
 * let an injected script run anyway. URLs are relative to the page. */
'use strict';

const JOURNAL_KEPT = 500; /* entries the page holds, newest first */
const $ = (id) => document.getElementById(id);

/* el('td', {className: 'num', title: 'x'}, 'text', otherNode): an element whose
 * string children become text nodes. */
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/* ---- talking to the server ------------------------------------------------------------ */

class ApiError extends Error {}

/* fetch(path) with a JSON body; resolves to the parsed answer (null when empty),
 * rejects with the server's own error text. */
async function call(method, path, body, raw) {
  const init = { method, cache: 'no-store', headers: {} };
  if (body !== undefined) {
    init.body = raw ? body : JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const r = await fetch(path, init);
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* a page, not JSON */ }
  if (!r.ok) {
    const what = json && json.type ? json.type + (json.error ? ': ' + json.error : '') : text.slice(0, 200);
    throw new ApiError(`${method} ${path}: ${r.status} ${what}`);
  }
  return json;
}

/* A line on what an action did; an error stays until dismissed or replaced. */
function notify(text, bad) {
  const n = $('notice');
  $('notice-text').textContent = text;
  n.classList.toggle('bad', !!bad);
  n.hidden = false;
  clearTimeout(notify.timer);
  if (!bad) notify.timer = setTimeout(() => { n.hidden = true; }, 6000);
}

/* Runs an action from a button or form: errors become the notice. */
async function act(what, fn) {
  try {
    const done = await fn();
    if (done !== false) notify(what);
    refresh();
  } catch (e) {
    notify(e instanceof ApiError ? e.message : `${what} failed: ${e}`, true);
  }
}

/* ---- the model ---------------------------------------------------------------------------- */

const view = {
  snap: null,          /* the last snapshot */
  journal: [],         /* entries, newest first */
  lastSeq: 0,          /* the newest seq held */
  sessions: null,       /* the gateway's list; null: no gateway, no panel */
};

let busy = false, again = false;
/* Reads everything again; calls made meanwhile fold into one more read. */
async function refresh() {
  if (busy) { again = true; return; }
  busy = true;
  try {
    do {
      again = false;
      await load();
    } while (again);
  } catch (e) {
    setLive('error', `cannot read the state: ${e.message || e}`);
  } finally {
    busy = false;
  }
}

async function load() {
  const snap = await call('GET', `ui/snapshot?after=${view.lastSeq}`);
  if (snap.latest < view.lastSeq) { /* another server now: start over */
    view.journal = [];
    view.lastSeq = 0;
    return load();
  }
  mergeJournal(snap);
  view.sessions = null; /* no events gateway in this server: no panel */
  if (snap.sessions) {
    try {
      const s = await call('GET', 'sessions');
      view.sessions = (s && s.sessions) || [];
    } catch (e) {
      if (!/: 404 /.test(e.message)) throw e;
    }
  }
  view.snap = snap;
  render();
  document.body.dataset.generation = snap.generation; /* for tests and the curious */
}

function mergeJournal(snap) {
  const fresh = snap.requests; /* newest first, after view.lastSeq */
  let kept = view.journal.filter((e) => e.seq >= snap.oldest);
  /* a full page of new entries may not reach the ones held: keep no gap */
  if (fresh.length && fresh[fresh.length - 1].seq > view.lastSeq + 1) kept = [];
  view.journal = fresh.concat(kept).slice(0, JOURNAL_KEPT);
  view.lastSeq = Math.max(snap.latest, 0);
}

/* ---- rendering ------------------------------------------------------------------------------ */

const fmtTime = (iso) => {
  const d = new Date(iso);
  if (isNaN(d)) return String(iso || '');
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
};
/* a time of today as such, else with its date */
const fmtDate = (iso) => {
  const d = new Date(iso);
  if (isNaN(d)) return String(iso || '');
  return d.toDateString() === new Date().toDateString() ? fmtTime(iso) : `${d.toLocaleDateString()} ${fmtTime(iso)}`;
};
const fmtUs = (us) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us} µs`);
const yes = (b) => el('span', { className: b ? 'yes' : 'no' }, b ? 'yes' : 'no');
const count = (id, n) => { $(id).textContent = String(n); };

/* Re-renders a container without losing the keyboard focus inside it: the element
 * with the same data-key gets it back. */
function keepFocus(container, fn) {
  const a = document.activeElement;
  const key = a && container.contains(a) ? a.dataset.key : undefined;
  fn();
  if (key) {
    const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

function names(state) {
  const m = new Map();
  for (const u of state.users || []) m.set(u._id, `${u.username}#${u.discriminator}`);
  for (const b of state.bots || []) m.set(b._id, `${b.username}#${b.discriminator}`);
  return m;
}

function who(nameOf, id) {
  return el('span', { className: 'who', title: id }, nameOf.get(id) || id);
}

function idLine(id) {
  return el('div', { className: 'id' }, id);
}

function render() {
  const s = view.snap;
  const st = s.state || {};
  const nameOf = names(st);
  $('version').textContent = s.version;
  renderUsers(st);
  renderBots(st, nameOf, s.renames || []);
  renderServers(st, nameOf);
  renderGroups(st, nameOf);
  renderFaults(s.faults || []);
  renderSessions(nameOf);
  renderJournal();
}

function renderUsers(st) {
  const users = st.users || [];
  const online = new Set((view.sessions || []).map((s) => s.user).filter(Boolean));
  count('users-count', users.length);
  const rows = users.map((u) => el('tr', {},
    el('td', {}, el('span', { className: 'name' }, `${u.username}#${u.discriminator}`),
      u.bot ? el('span', { className: 'tag' }, 'bot') : null,
      online.has(u._id) ? el('span', { className: 'tag online' }, 'online') : null, idLine(u._id)),
    el('td', {}, u.display_name || ''),
    el('td', { className: 'num' }, String((u.sessions || []).length))));
  $('users').tBodies[0].replaceChildren(...rows);
}

/* The last rename of each bot: the newest journal entry of a successful PATCH that
 * set a name, or the store's last discriminator change (the one the real 24-hour
 * limit counts), whichever is newer. */
function lastRenames(renames) {
  const last = new Map();
  const seen = (id, at, until) => {
    const had = last.get(id);
    if (!had || had.at < at) last.set(id, { at, until: until || (had && had.until) });
    else if (until) had.until = until;
  };
  for (const e of view.journal) {
    if (e.route !== 'bots.edit' || e.status !== 200 || !e.body) continue;
    let body;
    try { body = JSON.parse(e.body); } catch { continue; }
    if (!body || typeof body.name !== 'string') continue;
    let id = String(e.path).split('/').filter(Boolean).pop();
    try { id = decodeURIComponent(id); } catch { /* as sent */ }
    seen(id, e.time);
  }
  for (const r of renames) seen(r.user, r.at, r.until);
  return last;
}

function renderBots(st, nameOf, renames) {
  const bots = st.bots || [];
  const last = lastRenames(renames);
  const online = new Set((view.sessions || []).map((s) => s.user).filter(Boolean));
  count('bots-count', bots.length);
  const now = new Date().toISOString();
  const rows = bots.map((b) => {
    const r = last.get(b._id);
    const locked = r && r.until && r.until > now;
    return el('tr', {},
      el('td', {}, el('span', { className: 'name' }, `${b.username}#${b.discriminator}`),
        online.has(b._id) ? el('span', { className: 'tag online' }, 'online') : null, idLine(b._id)),
      el('td', {}, who(nameOf, b.owner)),
      el('td', {}, yes(!!b.public)),
      el('td', {}, b.oauth2 ? el('span', { className: 'yes' }, 'set') : el('span', { className: 'no' }, 'not set')),
      el('td', {}, r ? fmtDate(r.at) : el('span', { className: 'muted' }, 'never'),
        locked ? el('div', { className: 'small muted' }, `discriminator fixed until ${fmtDate(r.until)}`) : null));
  });
  $('bots').tBodies[0].replaceChildren(...rows);
}

function memberList(nameOf, ids, extra) {
  if (!ids.length) return el('p', { className: 'muted small' }, 'no members');
  return el('ul', { className: 'members' }, ids.map((id) => el('li', {}, who(nameOf, id), extra ? extra(id) : null)));
}

function renderServers(st, nameOf) {
  const servers = st.servers || [];
  count('servers-count', servers.length);
  const channels = st.channels || [];
  $('servers').replaceChildren(...servers.map((sv) => {
    const perms = new Map((sv.members || []).map((m) => [m.user, m.permissions]));
    const banned = sv.bans || [];
    const text = channels.filter((c) => c.server === sv._id).map((c) => `#${c.name || c._id}`);
    return el('li', {},
      el('h3', {}, sv.name || sv._id), idLine(sv._id),
      el('p', { className: 'small' }, 'owner ', who(nameOf, sv.owner),
        text.length ? ` · channels ${text.join(', ')}` : ''),
      memberList(nameOf, [...perms.keys()], (id) => (perms.get(id) ? el('span', { className: 'tag' }, `permissions ${perms.get(id)}`) : null)),
      banned.length ? el('p', { className: 'small' }, 'banned: ', banned.map((id) => who(nameOf, id))) : null);
  }));
}

function renderGroups(st, nameOf) {
  const groups = (st.channels || []).filter((c) => c.channel_type === 'Group');
  count('groups-count', groups.length);
  $('groups').replaceChildren(...groups.map((g) => el('li', {},
    el('h3', {}, g.name || g._id), idLine(g._id),
    el('p', { className: 'small' }, 'owner ', who(nameOf, g.owner)),
    memberList(nameOf, g.recipients || []))));
}

function faultText(f) {
  const does = f.drop ? 'close without an answer'
    : f.error ? `answer ${f.error.type || 'an error'}` : 'answer';
  const late = f.delay_ms ? ` ${f.delay_ms} ms late` : '';
  const left = f.times === 0 ? 'until removed' : `${f.remaining} of ${f.times} left`;
  return `${f.method || 'any method'} ${f.path}${f.token ? ' (one token)' : ''}: ${does}${late}; ${left}, ${f.hits} hit${f.hits === 1 ? '' : 's'}`;
}

function renderFaults(faults) {
  count('faults-count', faults.length);
  const list = $('faults');
  keepFocus(list, () => list.replaceChildren(...(faults.length ? faults.map((f) => el('li', { className: 'fault' },
    el('span', {}, el('strong', {}, f.id), ' ', faultText(f)),
    el('button', {
      type: 'button', dataset: { key: `fault:${f.id}` }, ariaLabel: `Remove ${f.id}`,
      onclick: () => act(`Removed ${f.id}`, () => call('DELETE', `faults/${encodeURIComponent(f.id)}`)),
    }, 'Remove'))) : [el('li', { className: 'muted' }, 'None: every request is answered normally.')])));
}

function renderSessions(nameOf) {
  const panel = $('sessions-panel');
  panel.hidden = !view.sessions;
  if (!view.sessions) return;
  count('sessions-count', view.sessions.length);
  $('sessions-empty').hidden = view.sessions.length > 0;
  const body = $('sessions').tBodies[0];
  keepFocus(body, () => body.replaceChildren(...view.sessions.map((s) => el('tr', {},
    el('td', {}, el('span', { className: 'name' }, s.id),
      el('div', { className: 'small muted' }, [s.token_kind, s.format, s.connected_at && `since ${fmtTime(s.connected_at)}`].filter(Boolean).join(' · '))),
    el('td', {}, s.user ? who(nameOf, s.user) : el('span', { className: 'muted' }, 'not authenticated')),
    el('td', {}, s.last_ping ? fmtTime(s.last_ping) : el('span', { className: 'muted' }, 'none')),
    el('td', {}, el('details', {}, el('summary', {}, String((s.subscriptions || []).length)),
      el('ul', { className: 'small subs' }, (s.subscriptions || []).map((t) => el('li', {}, t))))),
    el('td', { className: 'row-actions' },
      el('button', { type: 'button', disabled: !s.user, dataset: { key: `push:${s.id}` }, onclick: () => openPush(s, nameOf) }, 'Push…'),
      el('button', {
        type: 'button', dataset: { key: `close:${s.id}` }, title: 'Close frame 1000',
        onclick: () => act(`Closed ${s.id}`, () => call('POST', `sessions/${encodeURIComponent(s.id)}/close`, { code: 1000, reason: 'closed from the dashboard' })),
      }, 'Close'),
      el('button', {
        type: 'button', dataset: { key: `drop:${s.id}` }, title: 'Drop the TCP connection, no Close frame',
        onclick: () => act(`Dropped ${s.id}`, () => call('POST', `sessions/${encodeURIComponent(s.id)}/close`, { drop: true })),
      }, 'Drop'))))));
}

const statusClass = (n) => (n === 0 ? 's0' : n < 300 ? 's2' : n < 400 ? 's3' : n < 500 ? 's4' : 's5');

function journalRow(e) {
  const gateway = e.gateway !== undefined; /* the events gateway's entries */
  const method = gateway ? 'WS' : e.method;
  const status = typeof e.status === 'number' ? e.status : null;
  const text = `${method} ${e.path} ${e.route || e.gateway || ''} ${status === null ? '' : status}`.toLowerCase();
  return el('tr', { dataset: { seq: e.seq, text } },
    el('td', {}, fmtTime(e.time)),
    el('td', {}, el('span', { className: 'method' }, method)),
    el('td', { className: 'path' }, el('button', {
      type: 'button', className: 'link', dataset: { key: `req:${e.seq}` },
      title: 'Show body and headers', onclick: () => openRequest(e),
    }, e.path + (e.query ? `?${e.query}` : ''))),
    el('td', {}, e.route || e.gateway || el('span', { className: 'muted' }, 'none'),
      e.fault ? el('span', { className: 'tag fault-tag' }, e.fault) : null),
    el('td', { className: 'num' }, status === null ? '' : el('span', { className: `status ${statusClass(status)}` }, status === 0 ? 'dropped' : String(status))),
    el('td', { className: 'num' }, typeof e.duration_us === 'number' ? fmtUs(e.duration_us) : ''));
}

const rowCache = new Map(); /* seq -> <tr>: a row is built once */

function renderJournal() {
  const body = $('journal').tBodies[0];
  const seqs = new Set(view.journal.map((e) => e.seq));
  for (const k of rowCache.keys()) if (!seqs.has(k)) rowCache.delete(k);
  keepFocus(body, () => body.replaceChildren(...view.journal.map((e) => {
    if (!rowCache.has(e.seq)) rowCache.set(e.seq, journalRow(e));
    return rowCache.get(e.seq);
  })));
  applyFilter();
  const max = view.snap ? view.snap.journal_max : 0;
  count('journal-count', view.journal.length >= Math.min(max, JOURNAL_KEPT) && max ? `newest ${view.journal.length}` : view.journal.length);
}

function applyFilter() {
  const words = $('journal-filter').value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const tr of $('journal').tBodies[0].rows) {
    const ok = words.every((w) => tr.dataset.text.includes(w));
    tr.hidden = !ok;
    shown += ok;
  }
  $('journal-empty').hidden = shown > 0;
  $('journal-empty').textContent = view.journal.length ? 'No request matches the filter.' : 'No request yet.';
}

function facts(dl, pairs) {
  dl.replaceChildren(...pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}

/* A body as the dialog shows it: JSON indented, anything else as sent. */
function bodyText(text) {
  if (!text) return '(empty)';
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

function openRequest(e) {
  const known = new Set(['time', 'method', 'path', 'query', 'route', 'auth', 'status', 'duration_us', 'body', 'headers', 'seq', 'fault', 'delay_ms',
    'body_truncated', 'body_bytes', 'headers_truncated', 'response_body', 'response_body_truncated', 'response_body_bytes']);
  $('request-h').textContent = `${e.gateway !== undefined ? 'WS' : e.method} ${e.path}`;
  facts($('request-facts'), [
    ['time', fmtDate(e.time)], ['query', e.query], ['route', e.route], ['auth header', e.auth],
    ['status', e.status === 0 ? '0 (connection dropped)' : e.status],
    ['took', typeof e.duration_us === 'number' ? fmtUs(e.duration_us) : undefined],
    ['fault', e.fault], ['delayed', e.delay_ms ? `${e.delay_ms} ms` : undefined],
    ['body size', e.body_truncated ? `${e.body_bytes} bytes (cut to 4096)` : undefined],
    ['answer size', e.response_body_truncated ? `${e.response_body_bytes} bytes (cut to 4096)` : undefined],
    ['headers', e.headers_truncated ? 'some left out or cut (32 lines, 4 KiB kept)' : undefined],
    ...Object.keys(e).filter((k) => !known.has(k)).map((k) => [k, e[k]]),
  ]);
  facts($('request-headers'), Object.entries(e.headers || {}));
  $('request-body').textContent = bodyText(e.body);
  $('request-answer').textContent = e.gateway !== undefined ? '(none)' : bodyText(e.response_body);
  $('request').showModal();
}

let pushing = null;
function openPush(s, nameOf) {
  pushing = s;
  $('push-user').textContent = nameOf.get(s.user) || s.user;
  $('push-event').value = JSON.stringify({ type: 'UserUpdate', id: s.user, data: { status: { text: 'pushed from the dashboard' } }, clear: [], event_id: null }, null, 2);
  $('push').showModal();
}

/* ---- the live stream ---------------------------------------------------------------------- */

function setLive(state, text) {
  $('live').dataset.state = state;
  $('live-text').textContent = text;
}

function listen() {
  const es = new EventSource('ui/changes');
  es.addEventListener('open', () => {
    setLive('live', 'live');
    refresh();
  });
  es.addEventListener('change', () => refresh());
  es.addEventListener('error', () => setLive('down', 'disconnected: retrying'));
}

/* ---- actions ---------------------------------------------------------------------------------- */

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const THEMES = ['auto', 'light', 'dark'];
function setTheme(t) {
  if (t === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
  $('theme').textContent = `Theme: ${t}`;
  try { localStorage.setItem('stoat-mock-theme', t); } catch { /* private mode */ }
}

function wire() {
  $('notice-close').addEventListener('click', () => { $('notice').hidden = true; });
  $('reset').addEventListener('click', () => act('Reset: the start-up fixtures are back', () => call('POST', 'reset')));
  $('export').addEventListener('click', () => act('State exported', async () => {
    const r = await fetch('state', { cache: 'no-store' });
    if (!r.ok) throw new ApiError(`GET state: ${r.status}`);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    download(`stoat-mock-state-${stamp}.json`, await r.text());
  }));
  $('import').addEventListener('click', () => $('import-file').click());
  $('import-file').addEventListener('change', (ev) => {
    const file = ev.target.files[0];
    ev.target.value = '';
    if (file) act(`State imported from ${file.name}`, async () => call('PUT', 'state', await file.text(), true));
  });
  $('create-user').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = $('new-username').value.trim();
    act(`Created ${name}`, async () => {
      const made = await call('POST', 'users', { username: name });
      $('token-user').textContent = `${made.user.username}#${made.user.discriminator}`;
      $('token-value').textContent = made.token;
      $('token-once').hidden = false;
      $('new-username').value = '';
      $('token-copy').focus();
    });
  });
  $('token-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText($('token-value').textContent);
      notify('Token copied');
    } catch {
      getSelection().selectAllChildren($('token-value'));
      notify('Selected: copy it with the keyboard');
    }
  });
  $('token-dismiss').addEventListener('click', () => {
    $('token-once').hidden = true;
    $('token-value').textContent = '';
    $('new-username').focus();
  });
  const kind = $('fault-kind');
  kind.addEventListener('change', () => {
    $('fault-type').disabled = kind.value !== 'error';
    $('fault-delay').disabled = kind.value !== 'delay';
  });
  $('fault-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const spec = { path: $('fault-path').value.trim() || '*', times: Number($('fault-times').value || 0) };
    if ($('fault-method').value) spec.method = $('fault-method').value;
    if (kind.value === 'error') spec.error = { type: $('fault-type').value.trim() };
    if (kind.value === 'delay') spec.delay_ms = Number($('fault-delay').value);
    if (kind.value === 'drop') spec.drop = true;
    act('Fault added', async () => {
      const made = await call('POST', 'faults', spec);
      notify(`Added ${made.id}`);
      return false;
    });
  });
  $('journal-filter').addEventListener('input', applyFilter);
  $('journal-clear').addEventListener('click', () => act('Journal cleared', () => call('DELETE', 'requests')));
  $('push-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    let event;
    try { event = JSON.parse($('push-event').value); } catch (e) { notify(`The event is not JSON: ${e.message}`, true); return; }
    const s = pushing;
    $('push').close();
    act(`Pushed to ${s.user}`, () => call('POST', 'events', { event, user: s.user }));
  });
  $('push-cancel').addEventListener('click', () => $('push').close());
  $('theme').addEventListener('click', () => {
    const now = document.documentElement.dataset.theme || 'auto';
    setTheme(THEMES[(THEMES.indexOf(now) + 1) % THEMES.length]);
  });
  let saved = 'auto';
  try { saved = localStorage.getItem('stoat-mock-theme') || 'auto'; } catch { /* private mode */ }
  setTheme(THEMES.includes(saved) ? saved : 'auto');
}

wire();
refresh();
listen();

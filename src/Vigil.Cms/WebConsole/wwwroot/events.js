// The event log: every transition, health change and operator action, newest first, with filters applied by the CMS,
// a page at a time (Older events / Newest events).
import { call, routes } from './api.js';
import { formatTime, h } from './ui.js';

const KINDS = [['', 'All kinds'], ['failover', 'Failover'], ['health', 'Health'], ['protection', 'Protection'], ['clock', 'Clocks'], ['cms', 'The CMS itself'], ['update', 'Updates'], ['operator', 'Operator actions']];
const filters = { server: '', kind: '', limit: '100', before: '' };
let shownFor = null;

export async function render(root, snapshot, { force = false } = {}) {
  // An older page does not change when new events arrive; the newest page follows them.
  const key = `${filters.before ? '' : snapshot?.lastEventId}|${filters.server}|${filters.kind}|${filters.limit}|${filters.before}`;
  if (!force && key === shownFor && root.querySelector('.events-page')) return;
  shownFor = key;
  const query = new URLSearchParams({ limit: filters.limit });
  if (filters.server) query.set('server', filters.server);
  if (filters.kind) query.set('kind', filters.kind);
  if (filters.before) query.set('before', filters.before);
  const { events: rows, olderBefore } = await call('GET', `${routes.events}?${query}`);
  const go = (before) => {
    filters.before = before;
    render(root, snapshot, { force: true });
  };
  const select = (name, label, options) => h('label', {}, `${label} `, h('select', {
    name,
    onchange: (event) => {
      filters[name] = event.target.value;
      filters.before = '';
      render(root, snapshot, { force: true });
    },
  }, options.map(([value, text]) => h('option', { value, selected: filters[name] === String(value) }, text))));
  const servers = [['', 'All servers'], ...(snapshot?.servers ?? []).map((s) => [String(s.id), s.name])];
  root.replaceChildren(h('section', { class: 'page events-page' },
    h('h1', {}, 'Event log'),
    h('div', { class: 'toolbar filters' },
      select('server', 'Server', servers),
      select('kind', 'Kind', KINDS),
      select('limit', 'Show', [['100', 'last 100'], ['500', 'last 500'], ['1000', 'last 1000']])),
    rows.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'events' },
        h('thead', {}, h('tr', {}, ['Time', 'Server', 'Kind', 'Change', 'Why', 'By'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows.map((e) => h('tr', { class: `kind-${e.kind}` },
          h('td', { class: 'nowrap' }, formatTime(e.at)),
          h('td', {}, e.serverName),
          h('td', {}, e.kind),
          h('td', {}, e.from ? `${e.from} → ${e.to}` : e.to),
          h('td', {}, e.reason),
          h('td', {}, e.actor))))))
      : h('p', { class: 'empty' }, 'No events match.'),
    h('div', { class: 'toolbar pager' },
      filters.before ? h('button', { type: 'button', onclick: () => go('') }, 'Newest events') : null,
      olderBefore ? h('button', { type: 'button', onclick: () => go(String(olderBefore)) }, 'Older events') : null)));
}

// The Add server dialog's magnifier: the CMS searches its LAN, the servers that answered are listed with what they
// are to this CMS, and "Enable" on an available one fills the dialog (address, port, HTTPS and the certificate to
// confirm). Adding it is then the usual add: its admin password, role and group, the fingerprint compared by eye.
import { call, routes } from './api.js';
import { h } from './ui.js';

const STATE_CLASS = {
  available: 'ok-text',
  update_required: 'warn-text',
  incompatible: 'bad-text',
  added_to_another_cms: 'warn-text',
  already_added: 'muted',
};

function managedBy(server) {
  if (!server.managedBy) return 'standalone';
  return server.managedBy.isThisCms ? 'this CMS' : `${server.managedBy.name}${server.managedBy.id ? ` (${server.managedBy.id})` : ''}`;
}

function row(server, onEnable) {
  const address = `${server.https ? 'https' : 'http'}://${server.address}:${server.port}`;
  const enable = h('button', {
    type: 'button',
    disabled: !server.canEnable,
    'aria-label': `Enable ${server.name} at ${address}`,
    title: server.canEnable ? 'Fill the form with this server; then its admin password, role and group' : `Cannot be added: ${server.stateLabel}`,
    onclick: () => onEnable(server),
  }, 'Enable');
  return h('tr', { dataset: { serial: server.serial } },
    h('td', {}, server.name),
    h('td', { class: 'mono' }, address),
    h('td', {}, server.model),
    h('td', {}, server.version),
    h('td', {}, h('span', { class: `found-state ${STATE_CLASS[server.state] ?? ''}` }, server.stateLabel)),
    h('td', {}, managedBy(server)),
    h('td', {}, enable));
}

/** A magnifier drawn as SVG: an emoji needs a font that a site's machines may not have. */
function magnifierIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  const lens = document.createElementNS(ns, 'circle');
  for (const [name, value] of Object.entries({ cx: 6.5, cy: 6.5, r: 4.5, fill: 'none', stroke: 'currentColor', 'stroke-width': 2 })) lens.setAttribute(name, value);
  const handle = document.createElementNS(ns, 'line');
  for (const [name, value] of Object.entries({ x1: 10, y1: 10, x2: 14.5, y2: 14.5, stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round' })) handle.setAttribute(name, value);
  svg.append(lens, handle);
  return svg;
}

/**
 * A magnifier button and the panel it fills. `onEnable(server)` is called with the found server the operator picked.
 */
export function searchPanel(onEnable) {
  const slot = h('div', { class: 'search-slot', 'aria-live': 'polite' });
  const button = h('button', {
    type: 'button',
    class: 'magnifier',
    'aria-label': 'Search the LAN for servers',
    title: 'Search the LAN for servers',
    onclick: async () => {
      button.disabled = true;
      slot.replaceChildren(h('p', { class: 'muted' }, 'Searching the LAN…'));
      try {
        const found = await call('POST', routes.serverSearch, {});
        slot.replaceChildren(found.servers.length
          ? h('table', { class: 'found-servers' },
            h('caption', {}, `Servers found on the LAN (version ${found.cmsVersion} here)`),
            h('thead', {}, h('tr', {}, ['Name', 'Address', 'Model', 'Version', 'State', 'Managed by', ''].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, found.servers.map((s) => row(s, (picked) => { slot.replaceChildren(); onEnable(picked); }))))
          : h('p', { class: 'muted' }, 'No server answered. A server started with --no-announce, or beyond a router, is added by its address.'));
      } catch (error) {
        slot.replaceChildren(h('p', { class: 'bad-text', role: 'alert' }, `The search failed: ${error.message}`));
      } finally {
        button.disabled = false;
      }
    },
  }, magnifierIcon(), 'Search');
  return { button, slot };
}

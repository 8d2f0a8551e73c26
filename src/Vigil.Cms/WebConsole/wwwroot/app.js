// The console's shell: who is signed in, the navigation, the live stream of the CMS's state, and which
// page is drawn. Pages are addresses of their own (/, /events, /drills, /alerts, /settings, /users), so a reload or a
// bookmark keeps the page.
import { call, routes } from './api.js';
import { h, toast } from './ui.js';
import * as dashboard from './dashboard.js';
import * as events from './events.js';
import * as drills from './drills.js';
import * as alerts from './alerts.js';
import * as settings from './settings.js';
import * as users from './users.js';
import { changePassword } from './account.js';

const PAGES = {
  '/': { title: 'Failover servers', draw: (root, snapshot) => snapshot && dashboard.render(root, snapshot, session.role === 'administrator'), live: true },
  '/events': { title: 'Event log', draw: (root, snapshot) => events.render(root, snapshot), live: true },
  '/drills': { title: 'Failover drills', draw: (root) => drills.render(root), live: false },
  '/alerts': { title: 'Alerts', draw: (root) => alerts.render(root, session.role === 'administrator'), live: false },
  '/settings': { title: 'Failover settings', draw: (root) => settings.render(root, session.role === 'administrator'), live: false },
  '/users': { title: 'Users', draw: (root) => users.render(root), live: false },
};

let snapshot = null;
let connected = false;
let session = null;
const main = document.getElementById('main');

async function start() {
  session = await call('GET', routes.session);
  document.getElementById('user').textContent = session.user;
  // Only administrators may manage users; the CMS refuses anyone else, the link only spares them the refusal.
  document.getElementById('users-link').hidden = session.role !== 'administrator';
  document.getElementById('change-password').addEventListener('click', () => changePassword().catch((error) => toast(error.message, 'error')));
  document.getElementById('sign-out').addEventListener('click', signOut);
  for (const link of document.querySelectorAll('nav a')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      history.pushState(null, '', link.getAttribute('href'));
      draw();
    });
  }
  window.addEventListener('popstate', draw);
  listen();
  draw();
}

/** With several CMS hosts (PostgreSQL), which one leads and since when; a lone host (SQLite) shows nothing. */
function showLeader() {
  const label = document.getElementById('leader');
  call('GET', routes.hosts).then((hosts) => {
    const leader = hosts.leader;
    label.hidden = hosts.mode !== 'lease';
    label.textContent = leader ? `Leader: ${leader.name} · gen. ${leader.generation}` : 'No CMS host leads';
    label.title = leader
      ? `${leader.address} leads since ${new Date(leader.since).toLocaleString()}; ${hosts.hosts.length} CMS host(s): `
        + hosts.hosts.map((host) => `${host.name} (last report ${new Date(host.seenAt).toLocaleTimeString()})`).join(', ')
      : '';
  }, () => { label.hidden = true; });
}

function page() {
  return PAGES[location.pathname] ?? PAGES['/'];
}

function draw() {
  const current = page();
  document.title = `${current.title} · Vigil CMS`;
  for (const link of document.querySelectorAll('nav a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === location.pathname);
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  if (!snapshot && current.live) main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  Promise.resolve(current.draw(main, snapshot)).catch((error) => toast(error.message, 'error'));
}

/** Follows the CMS's state; reconnects after a dropped stream, and goes to sign-in once the session has ended. */
function listen() {
  const indicator = document.getElementById('live');
  const stream = new EventSource(routes.updates);
  stream.addEventListener('snapshot', (event) => {
    // The first state after (re)connecting: the leader may have changed meanwhile.
    if (!connected) showLeader();
    connected = true;
    snapshot = JSON.parse(event.data);
    // The CMS's own trouble is said where the live state is: a server that goes silent meanwhile is failed over late.
    const cms = snapshot.summary.cms;
    indicator.className = cms.overloaded ? 'live overloaded' : 'live on';
    indicator.textContent = cms.overloaded ? 'Live · CMS overloaded' : 'Live';
    indicator.title = cms.overloaded ? `Since ${new Date(cms.since).toLocaleTimeString()}: ${cms.reason}` : '';
    if (page().live) draw();
  });
  stream.addEventListener('error', () => {
    indicator.className = 'live off';
    indicator.textContent = 'Reconnecting…';
    connected = false;
    if (stream.readyState === EventSource.CLOSED) {
      // The CMS refused the stream (the session ended) or is down: ask it which, then try again.
      setTimeout(() => call('GET', routes.session).then(listen, listen), 2000);
    }
  });
}

async function signOut() {
  try {
    await call('DELETE', routes.session);
  } finally {
    location.assign('/login');
  }
}

start().catch((error) => toast(error.message, 'error'));

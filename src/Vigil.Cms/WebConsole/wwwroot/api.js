// Calls to the CMS API as the signed-in console: the session cookie goes along by itself, the console's
// header marks every call as the console's own. Refusals arrive as Problem errors naming their rule; the
// two the console can answer on the spot (a confirmation, the first admin's re-authentication) are asked
// for and the call repeated.
import { Problem, confirmDialog, dialog, field, h } from './ui.js';

export const routes = {
  session: '/api/v1/auth/console-session',
  reauthenticate: '/api/v1/auth/reauthentication',
  password: '/api/v1/auth/password',
  users: '/api/v1/users',
  updates: '/api/v1/updates',
  hosts: '/api/v1/cms/hosts',
  groups: '/api/v1/groups',
  servers: '/api/v1/servers',
  serverSearch: '/api/v1/servers/search',
  settings: '/api/v1/settings',
  events: '/api/v1/events',
  drills: '/api/v1/drills',
  drillSettings: '/api/v1/settings/drills',
  alerts: '/api/v1/alerts',
  alertWebhooks: '/api/v1/alerts/webhooks',
  alertEmail: '/api/v1/alerts/email',
  alertTest: '/api/v1/alerts/test',
  alertDeliveries: '/api/v1/alerts/deliveries',
  agentUpdates: '/api/v1/agent-updates',
  agentUpdatePackages: '/api/v1/agent-updates/packages',
  availableAgentUpdates: '/api/v1/agent-updates/available',
  agentUpdateSettings: '/api/v1/settings/agent-updates',
};

export async function call(method, path, body) {
  const headers = { Accept: 'application/json', 'X-Vigil-Console': '1' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new Problem(0, { detail: 'The CMS cannot be reached. Check that it is running and try again.' });
  }
  if (!response.ok) {
    const problem = new Problem(response.status, await response.json().catch(() => null));
    if (problem.rule === 'auth.required') {
      location.assign('/login');
    }
    throw problem;
  }
  // A 204, or a 202 that only says the work is queued, has no body.
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** Raised when the operator declines a confirmation the CMS asked for. */
export class Declined extends Error {
  constructor() {
    super('Cancelled.');
  }
}

const WARNINGS = {
  group: 'Takeovers in this group will be interrupted',
  default: 'Recordings on the failover server will be removed',
};

/** A change that may need confirming or the first admin's re-authentication: asks, then repeats the call. */
export async function act(method, path, body) {
  try {
    return await call(method, path, body);
  } catch (error) {
    if (error instanceof Problem && error.rule?.endsWith('.confirmation-required')) {
      const title = error.rule.startsWith('group.') ? WARNINGS.group : WARNINGS.default;
      if (!(await confirmDialog({ title, message: error.message, confirmLabel: 'Confirm' }))) throw new Declined();
      return act(method, `${path}${path.includes('?') ? '&' : '?'}confirm=true`, body);
    }
    if (error instanceof Problem && error.rule === 'auth.reauthentication-required') {
      if (!(await reauthenticate())) throw new Declined();
      return act(method, path, body);
    }
    throw error;
  }
}

/** The first admin's name and password, given again for a few minutes of this session. */
function reauthenticate() {
  const user = h('input', { name: 'user', autocomplete: 'username', value: 'admin', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  return dialog({
    title: 'Verify as the first admin user',
    body: [
      h('p', {}, 'This stops a failover or discards failover recordings, so the first admin user must confirm it.'),
      field('User name', user),
      field('Password', password),
    ],
    submitLabel: 'Verify',
    submit: async () => {
      await call('POST', routes.reauthenticate, { user: user.value, password: password.value });
      return true;
    },
  }).then((value) => value === true);
}

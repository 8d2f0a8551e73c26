// Alerts: the delivery log (what was sent where, and how it went), the webhooks and the e-mail settings. Every role
// reads them; administrators change them and send tests (the CMS refuses anyone else, the page only spares them the
// refusal). The log follows new deliveries and retries by itself: the live stream's snapshots carry no alerts.
import { Declined, call, routes } from './api.js';
import { confirmDialog, formatTime, h, toast } from './ui.js';
import { addWebhook, editEmail } from './alert-dialogs.js';

const REFRESH_MS = 3000;
const LOG_LIMIT = 50;
const STATES = { pending: ['Pending', 'warn'], delivered: ['Delivered', 'ok'], failed: ['Failed', 'bad'] };
let timer = null;

export async function render(root, isAdmin) {
  clearTimeout(timer);
  const log = h('section', { class: 'delivery-log', 'aria-labelledby': 'delivery-log-title' });
  const settings = h('div', { class: 'alert-settings' });
  root.replaceChildren(h('section', { class: 'page alerts-page' },
    h('h1', {}, 'Alerts'),
    h('p', { class: 'hint' }, 'The CMS sends an alert by webhook and e-mail when a server loses or regains its protection, a failover starts or ends, a restore is stopped, a standby fails its protection, a drill fails, or the CMS itself is overloaded; a failed delivery is tried again.',
      isAdmin ? null : ' Only administrators change where alerts go.'),
    log, settings));
  const refreshLog = () => drawLog(log);
  const drawSettings = async () => {
    const view = await call('GET', routes.alerts);
    settings.replaceChildren(webhooksSection(view, isAdmin, redraw), emailSection(view, isAdmin, redraw));
  };
  // After a change: the settings as the CMS now has them, and the log at once (a test shows up as pending).
  const redraw = (focusId) => Promise.all([drawSettings(), refreshLog()])
    .then(() => document.getElementById(focusId)?.focus())
    .catch((error) => toast(error.message, 'error'));
  await Promise.all([drawSettings(), refreshLog()]);
  follow(log);
}

/** Asks for the log again every few seconds, only while this page shows it. */
function follow(log) {
  timer = setTimeout(async () => {
    if (location.pathname !== '/alerts' || !log.isConnected) return;
    await drawLog(log);
    follow(log);
  }, REFRESH_MS);
}

async function drawLog(log) {
  const title = h('h2', { id: 'delivery-log-title' }, 'Delivery log');
  try {
    const { deliveries } = await call('GET', `${routes.alertDeliveries}?limit=${LOG_LIMIT}`);
    log.replaceChildren(title, deliveries.length ? deliveryTable(deliveries)
      : h('p', { class: 'empty' }, 'No alert has been sent yet. Each alert sent, being retried or given up will be listed here.'));
  } catch (error) {
    // Kept on screen (not a toast every few seconds) until a refresh succeeds.
    log.querySelector('.refresh-error')?.remove();
    if (!log.firstChild) log.append(title);
    log.append(h('p', { class: 'form-error refresh-error', role: 'alert' }, `The delivery log could not be refreshed: ${error.message}`));
  }
}

function deliveryTable(deliveries) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'deliveries' },
    h('caption', { class: 'muted' }, `The latest ${LOG_LIMIT} deliveries, newest first; refreshed every few seconds.`),
    h('thead', {}, h('tr', {}, ['When', 'Kind', 'Sent to', 'Summary', 'State', 'Attempts', 'Last result'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, deliveries.map((d) => h('tr', { dataset: { delivery: String(d.id), kind: d.kind, state: d.state } },
      h('td', { class: 'nowrap' }, formatTime(d.createdAt)),
      h('td', { class: 'nowrap' }, h('code', {}, d.kind)),
      h('td', { class: 'target' }, h('span', { class: 'muted' }, d.channel === 'email' ? 'E-mail ' : 'Webhook '), d.target),
      h('td', {}, d.summary),
      h('td', { class: 'state' }, stateBadge(d)),
      h('td', { class: 'num attempts' }, d.attempts),
      h('td', { class: 'last-result' }, d.lastResult ?? '–'))))));
}

function stateBadge(delivery) {
  const [label, tone] = STATES[delivery.state] ?? [delivery.state, 'off'];
  const retry = delivery.state === 'pending' && delivery.nextAttemptAt ? `, retry at ${clock(delivery.nextAttemptAt)}` : '';
  return h('span', { class: `badge ${tone}` }, label + retry);
}

function clock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

const kindsText = (kinds) => (kinds.length ? kinds.join(', ') : 'every kind');

/** Runs an administrator's action: a message on success, a toast on a refusal, then the page as the CMS now has it. */
async function run(action, redraw, focusId) {
  try {
    const message = await action();
    if (message) toast(message);
  } catch (error) {
    if (!(error instanceof Declined)) toast(error.message, 'error');
  }
  await redraw(focusId);
}

function sendTest(webhook) {
  return async () => {
    await call('POST', routes.alertTest, { webhook });
    return `Test alert queued${webhook === null ? ' to the e-mail recipients' : ` to webhook ${webhook}`}; the delivery log shows how it goes.`;
  };
}

function webhooksSection(view, isAdmin, redraw) {
  const remove = (w) => async () => {
    if (!(await confirmDialog({ title: `Remove webhook ${w.id}?`, message: `Alerts stop going to ${w.url}; those still pending for it are given up.`, confirmLabel: 'Remove webhook' }))) return null;
    await call('DELETE', `${routes.alertWebhooks}/${w.id}`);
    return `Removed webhook ${w.id}.`;
  };
  const columns = ['Id', 'URL', 'Kinds', 'Added', isAdmin ? 'Actions' : null].filter(Boolean);
  return h('section', { class: 'webhooks', 'aria-labelledby': 'webhooks-title' },
    h('h2', { id: 'webhooks-title', tabindex: -1 }, 'Webhooks'),
    h('p', { class: 'hint' }, 'Each alert is POSTed as JSON, signed with the webhook\'s secret. Only the scheme, host and port of a URL are shown: its path often holds the receiver\'s own key.'),
    isAdmin ? h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'primary', id: 'add-webhook', onclick: () => run(addWebhook(view.kinds), redraw, 'add-webhook') }, 'Add webhook')) : null,
    view.webhooks.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'webhooks' },
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, view.webhooks.map((w) => h('tr', { dataset: { webhook: String(w.id) } },
        h('td', { class: 'num' }, w.id),
        h('td', { class: 'url' }, w.url),
        h('td', {}, kindsText(w.kinds)),
        h('td', { class: 'nowrap' }, formatTime(w.createdAt)),
        isAdmin ? h('td', { class: 'nowrap' },
          h('button', { type: 'button', id: `test-webhook-${w.id}`, 'aria-label': `Send test to webhook ${w.id}`, onclick: () => run(sendTest(w.id), redraw, `test-webhook-${w.id}`) }, 'Send test'), ' ',
          h('button', { type: 'button', class: 'danger-outline', 'aria-label': `Remove webhook ${w.id}`, onclick: () => run(remove(w), redraw, 'webhooks-title') }, 'Remove'))
          : null)))))
      : h('p', { class: 'empty' }, 'No webhook is set up.'));
}

function emailSection(view, isAdmin, redraw) {
  const email = view.email;
  const remove = async () => {
    if (!(await confirmDialog({ title: 'Remove the e-mail settings?', message: 'Alert e-mails stop, and the CMS forgets the SMTP server and its password.', confirmLabel: 'Remove e-mail settings' }))) return null;
    await call('DELETE', routes.alertEmail);
    return 'Alert e-mails are off.';
  };
  const row = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
  return h('section', { class: 'email', 'aria-labelledby': 'email-title' },
    h('h2', { id: 'email-title', tabindex: -1 }, 'E-mail'),
    email ? h('dl', { class: 'email-settings' },
      row('Sending', email.enabled ? 'On' : 'Off'),
      row('SMTP server', `${email.host}:${email.port}`),
      row('Security', email.security),
      row('User', email.user || '–'),
      // Only whether one is stored: the CMS never sends it back.
      row('Password', email.password ? 'stored' : 'none'),
      row('From', email.from),
      row('To', email.to.join(', ')),
      row('Kinds', kindsText(email.kinds)))
      : h('p', { class: 'empty' }, 'Alert e-mails are not set up.'),
    isAdmin ? h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'primary', id: 'edit-email', onclick: () => run(editEmail(email, view.kinds), redraw, 'edit-email') }, email ? 'Edit e-mail settings' : 'Set up e-mail'),
      h('button', { type: 'button', id: 'test-email', disabled: !email?.enabled, onclick: () => run(sendTest(null), redraw, 'test-email') }, 'Send test e-mail'),
      email ? h('button', { type: 'button', class: 'danger-outline', onclick: () => run(remove, redraw, 'email-title') }, 'Remove e-mail settings') : null)
      : null);
}

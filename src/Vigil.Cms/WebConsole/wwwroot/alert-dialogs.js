// The administrators' alert dialogs: add a webhook (then its signing secret, shown this once), and the e-mail
// settings. Each returns an action for the Alerts page to run: it resolves with a message, or null when cancelled.
import { call, routes } from './api.js';
import { checkbox, dialog, field, h, toast } from './ui.js';

const SECURITIES = [
  ['starttls', 'STARTTLS (usually port 587)'],
  ['tls', 'TLS from the first byte (usually port 465)'],
  ['none', 'None (only to this machine\'s loopback address)'],
];

function kindChoice(kinds, chosen) {
  return h('fieldset', { class: 'field kinds', dataset: { field: 'kinds' } }, h('legend', {}, 'Kinds'),
    h('p', { class: 'hint' }, 'Tick none to send every kind.'),
    kinds.map((kind) => h('label', {}, h('input', { type: 'checkbox', name: 'kinds', value: kind, checked: chosen.includes(kind) }), ' ', kind)),
    h('p', { class: 'field-error', role: 'alert', hidden: true }));
}

const chosenKinds = (form) => [...form.querySelectorAll('input[name=kinds]:checked')].map((input) => input.value);

export function addWebhook(kinds) {
  return async () => {
    const url = h('input', { name: 'url', type: 'url', inputmode: 'url', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'https://hooks.example.com/vigil' });
    const secret = h('input', { name: 'secret', type: 'password', autocomplete: 'off', minlength: 16 });
    const created = await dialog({
      title: 'Add webhook',
      body: [
        field('URL', url, 'https; plain http only to this machine\'s loopback address.'),
        kindChoice(kinds, []),
        field('Signing secret (optional)', secret, 'At least 16 characters. Leave it blank and the CMS makes one.'),
      ],
      submitLabel: 'Add webhook',
      submit: (form) => call('POST', routes.alertWebhooks, { url: url.value.trim(), kinds: chosenKinds(form), secret: secret.value || null }),
    });
    if (!created) return null;
    await showSecret(created);
    return `Added webhook ${created.webhook.id} (${created.webhook.url}).`;
  };
}

/** The one time the secret is on the page: in this dialog, removed from the page when it closes. */
function showSecret({ webhook, secret }) {
  const value = h('input', { name: 'signingSecret', readonly: true, spellcheck: 'false', autocomplete: 'off', class: 'mono', onfocus: (event) => event.target.select() });
  value.value = secret;
  const copy = h('button', {
    type: 'button',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(value.value);
        toast('Secret copied.');
      } catch {
        value.select();
        toast('The secret is selected: copy it with Ctrl+C.');
      }
    },
  }, 'Copy secret');
  return dialog({
    title: `Webhook ${webhook.id}: its signing secret`,
    wide: true,
    body: [
      h('p', { class: 'warning-text' }, 'Copy this secret into the receiver now: it is shown only this once. If it is lost, remove the webhook and add it again.'),
      field('Signing secret', value),
      h('p', {}, 'Each call carries the header ', h('code', {}, 'X-Vigil-Signature: t=UNIX,v1=HEX'),
        '. The receiver computes HMAC-SHA256 with this secret over ', h('code', {}, 't.body'),
        ' (the t value, a dot, then the raw request body), compares its hex with v1, and refuses a t more than a few minutes old. ',
        'A retry repeats ', h('code', {}, 'X-Vigil-Delivery'), ', so a repeated alert can be dropped.'),
    ],
    submitLabel: 'Done',
    extraButtons: [copy],
  });
}

export function editEmail(email, kinds) {
  return async () => {
    const input = (name, attributes = {}) => h('input', { name, autocomplete: 'off', spellcheck: 'false', ...attributes });
    const enabled = h('input', { name: 'enabled', checked: email?.enabled ?? true });
    const host = input('host', { value: email?.host ?? '' });
    const port = input('port', { type: 'number', min: 1, max: 65535, inputmode: 'numeric', value: String(email?.port ?? 587) });
    const security = h('select', { name: 'security' }, SECURITIES.map(([value, label]) => h('option', { value, selected: value === (email?.security ?? 'starttls') }, label)));
    const user = input('user', { value: email?.user ?? '' });
    // Never filled in: the CMS sends back only whether a password is stored.
    const password = input('password', { type: 'password', autocomplete: 'new-password' });
    const from = input('from', { type: 'email', value: email?.from ?? '' });
    const to = input('to', { value: email?.to.join(', ') ?? '' });
    const saved = await dialog({
      title: email ? 'Edit e-mail settings' : 'Set up e-mail',
      wide: true,
      body: [
        checkbox('Send alert e-mails', enabled),
        h('div', { class: 'row' }, field('SMTP server', host), field('Port', port)),
        field('Security', security),
        field('User', user, 'Blank if the server needs no sign-in.'),
        field('Password', password, email?.password ? 'Leave it blank to keep the stored password.' : 'Only with a user.'),
        field('From', from),
        field('To', to, 'One or more addresses, comma-separated.'),
        kindChoice(kinds, email?.kinds ?? []),
      ],
      submitLabel: 'Save e-mail settings',
      submit: (form) => call('PUT', routes.alertEmail, {
        enabled: enabled.checked,
        host: host.value.trim(),
        port: Number(port.value),
        security: security.value,
        user: user.value.trim() || null,
        password: password.value || null,
        from: from.value.trim(),
        to: to.value.split(',').map((address) => address.trim()).filter(Boolean),
        kinds: chosenKinds(form),
      }),
    });
    return saved ? 'E-mail settings saved.' : null;
  };
}

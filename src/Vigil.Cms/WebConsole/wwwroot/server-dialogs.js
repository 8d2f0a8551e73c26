// Adding (one or a batch), editing, enabling, disabling and deleting servers, and the advanced failover
// operations. Every check is the CMS's: the dialogs show its refusals beside the field they concern.
import { act, call, routes } from './api.js';
import { KeepOpen, Problem, checkbox, clearErrors, confirmDialog, dialog, field, h, showError, showProblem } from './ui.js';
import { restoreProgress } from './dashboard.js';
import { searchPanel } from './server-search.js';

function groupSelect(snapshot, selected) {
  return h('select', { name: 'groupId' }, snapshot.groups.map((g) => h('option', { value: g.id, selected: g.id === selected }, g.name)));
}

function roleChoice(name = 'role') {
  return h('fieldset', { class: 'field', dataset: { field: name } },
    h('legend', {}, 'Role'),
    h('label', {}, h('input', { type: 'radio', name, value: 'recording', checked: true }), ' Recording server'),
    h('label', {}, h('input', { type: 'radio', name, value: 'standby' }), ' Standby server'),
    h('p', { class: 'hint' }, 'A standby server needs an empty recording space, no cameras, and at least as many license channels as every recording server in the group.'));
}

function connectionFields() {
  const https = h('input', { name: 'https' });
  https.checked = true;
  return {
    host: h('input', { name: 'host', required: true, autocomplete: 'off', placeholder: '192.0.2.10 or nvr-3.example.org' }),
    port: h('input', { name: 'port', type: 'number', min: 1, max: 65535, required: true, inputmode: 'numeric' }),
    https,
    password: h('input', { name: 'password', type: 'password', autocomplete: 'new-password' }),
  };
}

const UNCONFIRMED = 'server.fingerprint-unconfirmed';

/**
 * The operator's decision on a server's certificate. The CMS sends a server nothing secret until its fingerprint is
 * confirmed: when it shows one, the operator compares it with the fingerprint the server printed at start.
 */
function trustPanel() {
  let offered = null;
  const accept = h('input', { name: 'trust' });
  const slot = h('div', { class: 'trust-slot' });
  return {
    slot,
    get fingerprint() { return offered && accept.checked ? offered : null; },
    offer(fingerprint) {
      if (!fingerprint || fingerprint === offered) return;
      offered = fingerprint;
      accept.checked = false;
      slot.replaceChildren(h('div', { class: 'trust', role: 'alert' },
        h('p', {}, 'The server presents this certificate. Compare it with the SHA-256 fingerprint the server printed when it started; nothing secret is sent to it until you trust it.'),
        h('p', { class: 'mono fingerprint' }, fingerprint),
        checkbox('It is the same: trust this certificate', accept)));
    },
    reset() {
      offered = null;
      slot.replaceChildren();
    },
  };
}

/** Offers the certificate a refusal names for trust and keeps the dialog open; any other error goes on. */
function offerTrust(error, trust, form) {
  if (error instanceof Problem && error.rule === UNCONFIRMED && error.body.fingerprint) {
    trust.offer(error.body.fingerprint);
    showError(form, null, 'Confirm the server\'s certificate first.', error.rule);
    throw new KeepOpen();
  }
  throw error;
}

/** Checks what the browser can check before asking the CMS: a host, and a port from 1 to 65535. */
function checkAddress(form, host, port) {
  if (!host.value.trim()) {
    showError(form, 'host', 'Enter the server\'s IP address or host name.');
    throw new KeepOpen();
  }
  const number = Number(port.value);
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    showError(form, 'port', 'The port is a number from 1 to 65535.');
    throw new KeepOpen();
  }
  return number;
}

function agentSummary(result) {
  if (result.trusted === false) {
    return h('div', { class: 'test-result', role: 'status' },
      h('h3', {}, 'Found, not trusted yet'),
      h('dl', {},
        h('dt', {}, 'Name'), h('dd', {}, result.name),
        h('dt', {}, 'Model'), h('dd', {}, result.model),
        h('dt', {}, 'Serial'), h('dd', {}, result.serial),
        h('dt', {}, 'Agent version'), h('dd', {}, result.agentVersion)),
      h('p', {}, 'Its password was not sent. Confirm its certificate below, then test again.'));
  }
  const spaces = result.spaces.map((s) => `${s.path} (${s.isEmpty ? 'empty' : 'in use'})`).join(', ') || 'none';
  return h('div', { class: 'test-result', role: 'status' },
    h('h3', {}, 'Connected'),
    h('dl', {},
      h('dt', {}, 'Name'), h('dd', {}, result.name),
      h('dt', {}, 'Model'), h('dd', {}, result.model),
      h('dt', {}, 'Serial'), h('dd', {}, result.serial),
      h('dt', {}, 'Agent version'), h('dd', {}, result.agentVersion),
      h('dt', {}, 'License channels'), h('dd', {}, result.licenseChannels),
      h('dt', {}, 'Cameras'), h('dd', {}, result.cameraCount),
      h('dt', {}, 'Recording spaces'), h('dd', {}, spaces),
      h('dt', {}, 'Certificate'), h('dd', { class: 'mono fingerprint' }, result.certificateFingerprint ?? 'none (http)')),
    result.refusals.length
      ? h('div', { class: 'refusals' }, h('p', {}, 'It cannot join as asked:'), refusalList(result.refusals))
      : h('p', { class: 'ok-text' }, 'It can join this group in this role.'));
}

function refusalList(refusals) {
  return h('ul', { class: 'refusal-list' }, refusals.map((r) => h('li', {}, r.message, ' ', h('code', { class: 'rule' }, r.rule))));
}

export function add(snapshot, groupId) {
  const group = groupSelect(snapshot, groupId);
  const role = roleChoice();
  const { host, port, https, password } = connectionFields();
  const name = h('input', { name: 'name', maxlength: 64, autocomplete: 'off' });
  const result = h('div', { class: 'test-slot' });
  const trust = trustPanel();
  for (const input of [host, port, https]) input.addEventListener('input', () => trust.reset());
  https.addEventListener('change', () => trust.reset());
  const form = () => result.closest('form');
  const search = searchPanel((found) => {
    host.value = found.address;
    port.value = found.port;
    https.checked = found.https;
    trust.reset();
    trust.offer(found.certificateFingerprint);
    result.replaceChildren(h('p', { class: 'muted', role: 'status' },
      `${found.name} (${found.model}, version ${found.version}): enter its admin password, choose the role and group, confirm its certificate below, then Add.`));
    password.focus();
  });
  const request = () => ({
    groupId: Number(group.value),
    role: form().querySelector('input[name=role]:checked').value,
    host: host.value.trim(),
    port: checkAddress(form(), host, port),
    https: https.checked,
    password: password.value,
    fingerprint: trust.fingerprint,
  });
  const test = h('button', {
    type: 'button',
    onclick: async () => {
      clearErrors(form());
      result.replaceChildren(h('p', { class: 'muted' }, 'Connecting…'));
      try {
        const tested = await call('POST', `${routes.servers}/test`, request());
        if (tested.trusted === false) trust.offer(tested.certificateFingerprint);
        result.replaceChildren(agentSummary(tested));
      } catch (error) {
        result.replaceChildren();
        if (!(error instanceof KeepOpen)) showProblem(form(), error);
      }
    },
  }, 'Test connection');
  return dialog({
    title: 'Add server',
    wide: true,
    body: [
      field('Failover group', group),
      role,
      h('div', { class: 'row with-search' }, field('IP address or host name', host), field('Port', port), search.button),
      search.slot,
      checkbox('Connect over HTTPS', https, 'Plain HTTP shows the server\'s credential to anyone on the network; the CMS allows it only to this machine or when started with --insecure-http.'),
      field('Admin password of the server', password, 'Sent once its certificate is trusted, traded for a credential for this CMS; the CMS never stores it.'),
      field('Name', name, 'Leave empty to use the server\'s own name. 1 to 32 characters; no ~ ` ! @ # $ % ^ & * ( ) _ = + [ { ] } \\ | ; : \' " < > / ?; not starting with - or a space.'),
      result,
      trust.slot,
    ],
    extraButtons: [test],
    submitLabel: 'Add',
    submit: async (f) => {
      const body = { ...request(), name: name.value === '' ? null : name.value };
      const added = await call('POST', routes.servers, body).catch((error) => offerTrust(error, trust, f));
      const pin = added.certificateFingerprint ? ` Certificate pinned: ${added.certificateFingerprint}` : '';
      return `Added ${added.name} as a ${added.role} server.${pin}`;
    },
  });
}

const NAMING = [
  ['default', 'Default (the server\'s own name)'],
  ['model_number', 'Model-No. ([Model]-[N])'],
  ['prefix_number', 'Prefix-No. ([Prefix]-[N])'],
];

/** Parses "host:port" lines; an IPv6 host is written in brackets, [2001:db8::1]:7001. */
function parseAddresses(text, https) {
  const addresses = [];
  const invalid = [];
  for (const line of text.split(/[\n,]+/).map((l) => l.trim()).filter(Boolean)) {
    const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(line);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) invalid.push(line);
    else addresses.push({ host: match[1].replace(/^\[|\]$/g, ''), port, https });
  }
  return { addresses, invalid };
}

export function batch(snapshot, groupId) {
  const group = groupSelect(snapshot, groupId);
  const role = roleChoice();
  const naming = h('select', { name: 'naming' }, NAMING.map(([value, label]) => h('option', { value }, label)));
  const prefix = h('input', { name: 'prefix', autocomplete: 'off' });
  const prefixField = field('Prefix', prefix, 'Names become [Prefix]-1, [Prefix]-2, … with the next free numbers.');
  prefixField.hidden = true;
  const addresses = h('textarea', { name: 'servers', rows: 5, placeholder: '192.0.2.10:7001\n192.0.2.11:7001', spellcheck: false });
  const https = h('input', { name: 'https' });
  https.checked = true;
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' });
  const trusted = new Set();
  const preview = h('div', { class: 'preview', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Enter the servers\' addresses to see the names they will get.'));
  const form = () => preview.closest('form');
  const request = (isPreview) => {
    const parsed = parseAddresses(addresses.value, https.checked);
    return {
      parsed,
      body: {
        groupId: Number(group.value),
        role: form().querySelector('input[name=role]:checked').value,
        naming: naming.value,
        prefix: naming.value === 'prefix_number' ? prefix.value : null,
        password: password.value,
        servers: parsed.addresses,
        preview: isPreview,
        trustedFingerprints: [...trusted],
      },
    };
  };

  let generation = 0;
  let timer = null;
  async function refreshPreview() {
    const mine = ++generation;
    const { parsed, body } = request(true);
    clearErrors(form());
    if (!parsed.addresses.length && !parsed.invalid.length) {
      preview.replaceChildren(h('p', { class: 'muted' }, 'Enter the servers\' addresses to see the names they will get.'));
      return;
    }
    preview.replaceChildren(h('p', { class: 'muted' }, 'Asking the servers…'));
    let answer = null;
    let problem = null;
    try {
      answer = parsed.addresses.length ? await call('POST', `${routes.servers}/batch`, body) : { members: [] };
    } catch (error) {
      problem = error;
    }
    if (mine !== generation) return;
    // A preview with refused members comes back as a problem listing every member and its reasons.
    const members = answer?.members ?? problem?.body?.members ?? [];
    preview.replaceChildren(previewTable(members, parsed.invalid, trusted));
    if (problem && !problem.body?.members) showProblem(form(), problem, { focus: false });
    // A prefix that cannot make a valid name is the prefix's fault, not the servers': say so beside it.
    const naming = members.flatMap((m) => m.refusals).find((r) => r.rule.startsWith('batch-naming.'));
    if (naming) showError(form(), 'prefix', naming.message, naming.rule, { focus: false });
  }
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, 400);
  };
  naming.addEventListener('change', () => {
    prefixField.hidden = naming.value !== 'prefix_number';
    schedule();
  });

  return dialog({
    title: 'Add batch',
    wide: true,
    body: h('div', { oninput: schedule, onchange: schedule },
      field('Failover group', group),
      role,
      field('Naming rule', naming),
      prefixField,
      field('Servers (host:port, one per line)', addresses),
      checkbox('Connect over HTTPS', https),
      field('Admin password (the same on every server)', password),
      h('h3', {}, 'Preview'),
      preview),
    submitLabel: 'Add all',
    submit: async () => {
      const { parsed, body } = request(false);
      if (parsed.invalid.length) {
        showError(form(), 'servers', `Not host:port: ${parsed.invalid.join(', ')}`);
        throw new KeepOpen();
      }
      let answer;
      try {
        answer = await call('POST', `${routes.servers}/batch`, body);
      } catch (error) {
        if (error instanceof Problem && error.body.members) {
          preview.replaceChildren(previewTable(error.body.members, [], trusted));
          showError(form(), null, `${error.message} Nothing was added.`, error.rule);
          throw new KeepOpen();
        }
        throw error;
      }
      if (!answer.added) {
        preview.replaceChildren(previewTable(answer.members, [], trusted));
        showError(form(), null, 'Some servers cannot be added as asked, so none was added.');
        throw new KeepOpen();
      }
      return `Added ${answer.members.length} servers: ${answer.members.map((m) => m.name).join(', ')}.`;
    },
  });
}

/** A member's certificate, with a box to trust it (compared with what the server printed at start); ticking it previews again. */
function certificateCell(member, trusted) {
  const fingerprint = member.certificateFingerprint;
  if (!fingerprint) return h('td', {}, '–');
  const box = h('input', { name: 'trust', type: 'checkbox', checked: trusted.has(fingerprint) });
  box.addEventListener('change', () => (box.checked ? trusted.add(fingerprint) : trusted.delete(fingerprint)));
  return h('td', {}, h('span', { class: 'mono fingerprint' }, fingerprint), h('label', {}, box, ' Trusted'));
}

function previewTable(members, invalid, trusted) {
  return h('table', { class: 'preview-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Server'), h('th', {}, 'Name'), h('th', {}, 'Certificate'), h('th', {}, 'Can be added?'))),
    h('tbody', {},
      members.map((m) => h('tr', { class: m.refusals.length ? 'refused' : 'accepted' },
        h('td', { class: 'mono' }, `${m.address.host}:${m.address.port}`),
        h('td', {}, m.name ?? h('em', {}, 'no valid name')),
        certificateCell(m, trusted),
        h('td', {}, m.refusals.length ? refusalList(m.refusals) : h('span', { class: 'ok-text' }, 'Yes')))),
      invalid.map((line) => h('tr', { class: 'refused' },
        h('td', { class: 'mono' }, line), h('td', {}, '–'), h('td', {}, '–'), h('td', {}, 'Not host:port')))));
}

export function edit(server, snapshot) {
  const name = h('input', { name: 'name', value: server.name, autocomplete: 'off' });
  const { host, port, https, password } = connectionFields();
  host.value = server.address.host;
  port.value = String(server.address.port);
  https.checked = server.address.https;
  const trust = trustPanel();
  const group = server.groupId === null ? groupSelect(snapshot, snapshot.groups[0]?.id) : null;
  return dialog({
    title: `Edit ${server.name}`,
    body: [
      field('Name', name),
      h('div', { class: 'row' }, field('IP address or host name', host), field('Port', port)),
      checkbox('Connect over HTTPS', https),
      field('Admin password', password, 'Only to pair again (a reinstalled server, a new password). Leave empty to keep the credential.'),
      group ? field('Failover group (the server is in none)', group) : null,
      trust.slot,
    ],
    submitLabel: 'Save',
    submit: async (form) => {
      const number = checkAddress(form, host, port);
      const changes = {};
      if (name.value !== server.name) changes.name = name.value;
      if (host.value.trim() !== server.address.host) changes.host = host.value.trim();
      if (number !== server.address.port) changes.port = number;
      if (https.checked !== server.address.https) changes.https = https.checked;
      if (password.value) changes.password = password.value;
      if (group) changes.groupId = Number(group.value);
      if (!Object.keys(changes).length) return 'Nothing changed.';
      if (trust.fingerprint) changes.fingerprint = trust.fingerprint;
      const saved = await act('PATCH', `${routes.servers}/${server.id}`, changes).catch((error) => offerTrust(error, trust, form));
      return `Saved ${saved.name}.`;
    },
  });
}

export async function setEnabled(servers, enabled) {
  for (const server of servers.filter((s) => s.enabled !== enabled)) {
    await act('PUT', `${routes.servers}/${server.id}/enabled`, { enabled });
  }
  return `${enabled ? 'Enabled' : 'Disabled'} ${servers.map((s) => s.name).join(', ')}.`;
}

export async function remove(servers) {
  const names = servers.map((s) => s.name).join(', ');
  const standbys = servers.some((s) => s.role === 'standby');
  const confirmed = await confirmDialog({
    title: servers.length === 1 ? `Delete ${names}?` : `Delete ${servers.length} servers?`,
    message: [
      `${names} will be removed from the CMS. Their recordings stay on the servers.`,
      standbys ? 'Removing a standby server needs the first admin user to verify.' : null,
    ].filter(Boolean),
    confirmLabel: 'Delete',
  });
  if (!confirmed) return null;
  for (const server of servers) {
    await act('DELETE', `${routes.servers}/${server.id}`);
  }
  return `Deleted ${names}.`;
}

/**
 * The seeds' Advanced menu for one selected server: [label, action or null, why not]. Each action is
 * offered only when it applies; the CMS still checks every rule.
 */
export function advancedActions(server, failover, snapshot) {
  const no = (label, why) => [label, null, why];
  if (!server) return [no('Fail over now', 'Select one server.')];
  const password = ['Change agent password', () => agentPassword(server)];
  if (server.role === 'standby') {
    return [
      server.status.code === 'abnormal_protection_failed'
        ? ['Clear protection failure', () => clearFailure(server)]
        : no('Clear protection failure', 'Only for a standby whose takeover failed.'),
      password,
    ];
  }
  const open = failover && !['completed', 'stopped', 'failed', 'interrupted'].includes(failover.phase);
  return [
    open ? no('Fail over now', 'This server is already in failover.') : ['Fail over now', () => failOverNow(server)],
    open && ['detected', 'assigning', 'takingover', 'active'].includes(failover.phase)
      ? ['Fail back', () => failBack(server)] : no('Fail back', 'Only while a standby records for this server.'),
    ['Restore status', () => restoreStatus(server)],
    open && failover.phase === 'restoring'
      ? ['Stop restoration', () => stopRestoration(server)] : no('Stop restoration', 'Only while recordings are being restored.'),
    open && failover.standbyId !== null && ['active', 'takingover'].includes(failover.phase)
      ? ['Replace protected server', () => replace(server, failover, snapshot)] : no('Replace protected server', 'Only while a standby protects this server.'),
    server.status.code === 'normal_protected' && !open
      ? ['Run drill', () => runDrill(server)] : no('Run drill', 'Only for a recording server that is normal and protected.'),
    password,
  ];
}

/** The agent's own admin password: the agent ends every credential it gave, and the CMS pairs again with the new one. */
function agentPassword(server) {
  const current = h('input', { name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  return dialog({
    title: `Change the agent password of ${server.name}`,
    body: [
      field('Current admin password of the server', current),
      field('New admin password', next, 'At least 8 characters. The server\'s older credentials end; the CMS pairs again with the new password.'),
    ],
    submitLabel: 'Change password',
    submit: async () => {
      await act('PUT', `${routes.servers}/${server.id}/agent-password`, { currentPassword: current.value, newPassword: next.value });
      return `Changed the agent password of ${server.name}.`;
    },
  });
}

async function failOverNow(server) {
  const confirmed = await confirmDialog({
    title: `Fail ${server.name} over now?`,
    message: 'A ready standby in its group takes over its cameras now. The server stays failed over until you fail it back.',
    confirmLabel: 'Fail over now',
  });
  if (!confirmed) return null;
  await act('POST', `${routes.servers}/${server.id}/failover`);
  return `${server.name} is failing over.`;
}

/** A failover drill: the CMS fails the server over, holds, fails back and restores, then the Drills page shows its report. */
async function runDrill(server) {
  const confirmed = await confirmDialog({
    title: `Run a failover drill of ${server.name}?`,
    message: 'A ready standby takes over its cameras while the server keeps recording; after the hold time the drill fails back, restores the standby\'s footage and reports the takeover time and each camera\'s gap.',
    confirmLabel: 'Run drill',
    danger: false,
  });
  if (!confirmed) return null;
  const drill = await act('POST', routes.drills, { server: server.id });
  history.pushState(null, '', `/drills?id=${drill.id}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
  return `Drill ${drill.id} of ${server.name} started.`;
}

async function failBack(server) {
  const confirmed = await confirmDialog({
    title: `Fail ${server.name} back now?`,
    message: 'The server records its own cameras again before the standby stops; then the recordings made during the failover are restored to it.',
    confirmLabel: 'Fail back',
    danger: false,
  });
  if (!confirmed) return null;
  await act('POST', `${routes.servers}/${server.id}/failback`);
  return `${server.name} is failing back.`;
}

async function stopRestoration(server) {
  const confirmed = await confirmDialog({
    title: 'Stop restoration?',
    message: `The recordings and snapshots not yet copied to ${server.name} will be removed from the standby server.`,
    confirmLabel: 'Stop restoration',
  });
  if (!confirmed) return null;
  await act('DELETE', `${routes.servers}/${server.id}/restore?confirm=true`);
  return `Restoration to ${server.name} stopped.`;
}

async function restoreStatus(server) {
  const latest = await call('GET', `${routes.servers}/${server.id}/restore`);
  await dialog({
    title: `Failover of ${server.name}`,
    body: [
      h('dl', {},
        h('dt', {}, 'Phase'), h('dd', {}, latest.phase),
        h('dt', {}, 'Standby'), h('dd', {}, latest.standbyName ?? '–'),
        h('dt', {}, 'Started'), h('dd', {}, new Date(latest.startedAt).toLocaleString()),
        h('dt', {}, 'Why'), h('dd', {}, latest.note)),
      latest.restore.filesTotal ? restoreProgress(latest.restore, server.name) : h('p', { class: 'muted' }, 'Nothing to restore yet.'),
    ],
    submitLabel: 'Close',
  });
  return null;
}

async function replace(server, failover, snapshot) {
  const candidates = snapshot.servers.filter((s) =>
    s.id === failover.standbyId
    || (s.role === 'recording' && s.id !== server.id && s.status.code.startsWith('normal_')));
  const choice = h('select', { name: 'withServerId' }, candidates.map((s) => h('option', { value: s.id },
    s.id === failover.standbyId ? `${s.name} (the acting standby)` : `${s.name} (recording server)`)));
  const explain = h('p', { class: 'hint' });
  const describe = () => {
    explain.textContent = Number(choice.value) === failover.standbyId
      ? `${server.name} is removed; the standby becomes a recording server with its configuration and name, and its licenses move to it.`
      : `${server.name} is removed and the failover stops; the chosen server takes its configuration and name, and its licenses, overwriting its own.`;
  };
  choice.addEventListener('change', describe);
  describe();
  return dialog({
    title: `Replace ${server.name}`,
    body: [field('Replace with', choice), explain],
    submitLabel: 'Replace',
    danger: true,
    submit: async () => {
      await act('POST', `${routes.servers}/${server.id}/replace`, { withServerId: Number(choice.value) });
      return `${server.name} was replaced.`;
    },
  });
}

async function clearFailure(server) {
  await act('DELETE', `${routes.servers}/${server.id}/protection-failure`);
  return `${server.name} can take over again.`;
}

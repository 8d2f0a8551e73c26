// The seeds' Failover Setting tab: failover and failback behaviour, detection, restore and limits; and how long events are kept.
import { Declined, act, call, routes } from './api.js';
import { checkbox, clearErrors, field, h, showProblem, toast } from './ui.js';
import { feedForm } from './update-settings.js';

const NUMBERS = [
  ['probeIntervalMs', 'Probe interval (ms)', 'How often the CMS checks each server.'],
  ['probeTimeoutMs', 'Probe timeout (ms)', 'A probe slower than this counts as a miss.'],
  ['missesBeforeFailure', 'Misses before failure', 'Consecutive missed probes before a server is declared failed.'],
  ['stabilisationSeconds', 'Stabilisation period (s)', 'How long a returned server must stay healthy before automatic failback.'],
  ['restoreBandwidthBytesPerSecond', 'Restore bandwidth limit (bytes/s)', '0 is no limit.'],
  ['standbyMinimumFreeBytes', 'Standby minimum free space (bytes)', 'A standby with less free space cannot take over.'],
  ['maxGroups', 'Most failover groups', 'QNAP\'s limit is 16.'],
  ['maxServersPerGroup', 'Most servers per group', 'QNAP\'s limit is 64.'],
  ['eventRetentionDays', 'Keep events (days)', 'Older events are deleted from the event log, every hour. 1 to 3650.'],
];

const CONDITIONS = [
  ['unreachable', 'The server cannot be reached (always a failure)'],
  ['space_failure', 'A recording space fails (missing, not writable, full)'],
  ['recording_service_failure', 'The recording service fails (the server is up but cannot record)'],
];

export async function render(root, isAdmin) {
  const settings = await call('GET', routes.settings);
  const inputs = {};
  const flag = (name, label, hint) => {
    inputs[name] = h('input', { name, checked: settings[name] });
    return checkbox(label, inputs[name], hint);
  };
  const number = ([name, label, hint]) => {
    inputs[name] = h('input', { name, type: 'number', min: 0, value: String(settings[name]), inputmode: 'numeric' });
    return field(label, inputs[name], hint);
  };
  const conditions = CONDITIONS.map(([value, label]) => h('label', {},
    h('input', { type: 'checkbox', name: 'failureConditions', value, checked: value === 'unreachable' || settings.failureConditions.includes(value), disabled: value === 'unreachable' }),
    ' ', label));
  const saveButton = h('button', { type: 'submit', class: 'primary' }, 'Save settings');
  const form = h('form', { class: 'settings', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Failover'),
      flag('automaticFailover', 'Automatic failover', 'A standby takes over a failed recording server by itself.'),
      h('fieldset', { class: 'field', dataset: { field: 'failureConditions' } }, h('legend', {}, 'Failure conditions'), conditions,
        h('p', { class: 'field-error', role: 'alert', hidden: true }))),
    h('fieldset', {}, h('legend', {}, 'Detection'), NUMBERS.slice(0, 3).map(number)),
    h('fieldset', {}, h('legend', {}, 'Failback and restore'),
      flag('automaticFailback', 'Automatic failback', 'Hand the cameras back once the server has been healthy for the stabilisation period.'),
      number(NUMBERS[3]),
      flag('restoreRecordings', 'Restore recordings', 'Copy the recordings and snapshots made during the failover to the returned server. Turning it off discards them instead, so the first admin user must verify it.'),
      number(NUMBERS[4])),
    h('fieldset', {}, h('legend', {}, 'Standbys and limits'), NUMBERS.slice(5, 8).map(number)),
    h('fieldset', {}, h('legend', {}, 'Event log'), number(NUMBERS[8])),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'form-buttons' }, saveButton));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { ...settings };
    for (const [name] of NUMBERS) body[name] = inputs[name].value === '' ? -1 : Number(inputs[name].value);
    for (const name of ['automaticFailover', 'automaticFailback', 'restoreRecordings']) body[name] = inputs[name].checked;
    body.failureConditions = [...form.querySelectorAll('input[name=failureConditions]:checked')].map((i) => i.value);
    saveButton.disabled = true;
    try {
      Object.assign(settings, await act('PUT', routes.settings, body));
      toast('Settings saved.');
    } catch (error) {
      if (!(error instanceof Declined)) showProblem(form, error);
    } finally {
      saveButton.disabled = false;
    }
  });
  root.replaceChildren(h('section', { class: 'page' }, h('h1', {}, 'Failover settings'), form, await drillForm(), await feedForm(isAdmin)));
}

const DRILL_NUMBERS = [
  ['holdSeconds', 'Hold time (s)', 'How long the standby records before the drill fails back.'],
  ['maxTakeoverSeconds', 'Takeover threshold (s)', 'A drill fails when the takeover takes longer.'],
  ['maxGapSeconds', 'Gap threshold (s)', 'A drill fails when a camera\'s gap is longer.'],
];

/** The drill settings: their own document on the CMS, saved on their own. */
async function drillForm() {
  const drills = await call('GET', routes.drillSettings);
  const inputs = {};
  for (const [name] of DRILL_NUMBERS) inputs[name] = h('input', { name, type: 'number', min: 0, step: 'any', value: String(drills[name]) });
  inputs.schedule = h('input', { name: 'schedule', value: drills.schedule, spellcheck: false });
  inputs.scheduledServers = h('input', { name: 'scheduledServers', value: drills.scheduledServers.join(', '), inputmode: 'numeric' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save drill settings');
  const form = h('form', { class: 'settings drill-settings', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Failover drills'),
      DRILL_NUMBERS.map(([name, label, hint]) => field(label, inputs[name], hint)),
      field('Schedule (UTC)', inputs.schedule, 'off, weekly sun 03:00, or every 7 days 03:00. Scheduled drills run one at a time.'),
      field('Scheduled servers', inputs.scheduledServers, 'Recording server ids, comma-separated; empty drills every recording server in turn.')),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'form-buttons' }, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {
      ...Object.fromEntries(DRILL_NUMBERS.map(([name]) => [name, inputs[name].value === '' ? -1 : Number(inputs[name].value)])),
      schedule: inputs.schedule.value,
      scheduledServers: inputs.scheduledServers.value.split(',').map((v) => v.trim()).filter(Boolean).map(Number),
    };
    save.disabled = true;
    try {
      await act('PUT', routes.drillSettings, body);
      toast('Drill settings saved.');
    } catch (error) {
      if (!(error instanceof Declined)) showProblem(form, error);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

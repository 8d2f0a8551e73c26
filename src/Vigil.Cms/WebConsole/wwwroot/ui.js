// DOM building, dialogs, field errors and formatting shared by every console view. No framework: the
// console is a few tables and forms, and the browser's own <dialog> gives focus handling and Esc.

/** Builds an element: h('button', { class: 'primary', onclick }, 'Save'). Attributes starting with "on" become listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A labelled form field with a place for its error, linked for screen readers. */
export function field(label, input, hint) {
  const id = input.id || (input.id = `f-${input.name}-${Math.random().toString(36).slice(2, 8)}`);
  const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
  const hintElement = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  input.setAttribute('aria-describedby', [hintElement?.id, error.id].filter(Boolean).join(' '));
  return h('div', { class: 'field', dataset: { field: input.name } }, h('label', { for: id }, label), input, hintElement, error);
}

export function checkbox(label, input, hint) {
  input.type = 'checkbox';
  return h('div', { class: 'field check', dataset: { field: input.name } },
    h('label', {}, input, ' ', label), hint ? h('p', { class: 'hint' }, hint) : null,
    h('p', { class: 'field-error', role: 'alert', hidden: true }));
}

/** Shows an error beside the named field, or above the form's buttons when the form has no such field. */
export function showError(form, fieldName, message, rule, { focus = true } = {}) {
  const text = [message, rule ? h('code', { class: 'rule' }, rule) : null];
  const holder = fieldName && form.querySelector(`[data-field="${fieldName}"] .field-error`);
  const target = holder || form.querySelector('.form-error');
  target.replaceChildren(...text.filter(Boolean).flatMap((t, i) => (i ? [' ', t] : [t])));
  target.hidden = false;
  if (holder) {
    const input = form.querySelector(`[data-field="${fieldName}"] input, [data-field="${fieldName}"] select, [data-field="${fieldName}"] textarea`);
    input?.setAttribute('aria-invalid', 'true');
    if (focus) input?.focus();
  }
}

export function clearErrors(form) {
  for (const error of form.querySelectorAll('.field-error, .form-error')) {
    error.hidden = true;
    error.replaceChildren();
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

let openDialogs = 0;

/**
 * A modal dialog holding a form. `submit` runs on the primary button (or Enter); it returns a value to close
 * the dialog with, or throws to keep it open (the caller shows errors). Resolves with that value, or null
 * when cancelled.
 */
export function dialog({ title, body, submitLabel = 'OK', danger = false, submit, extraButtons = [], wide = false }) {
  return new Promise((resolve) => {
    const form = h('form', { method: 'dialog', novalidate: true });
    const primary = h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, submitLabel);
    const cancel = h('button', { type: 'button', onclick: () => close(null) }, 'Cancel');
    const titleId = `dialog-title-${++openDialogs}`;
    const element = h('dialog', { class: wide ? 'wide' : '', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title), form);
    form.append(...[body].flat(), h('p', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'dialog-buttons' }, ...extraButtons, h('span', { class: 'spacer' }), cancel, primary));
    let done = false;
    function close(value) {
      if (done) return;
      done = true;
      element.close();
      element.remove();
      resolve(value);
    }
    element.addEventListener('cancel', (event) => { event.preventDefault(); close(null); });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      primary.disabled = true;
      try {
        close(submit ? await submit(form) : true);
      } catch (error) {
        if (!(error instanceof KeepOpen)) showProblem(form, error);
      } finally {
        primary.disabled = false;
      }
    });
    document.body.append(element);
    element.showModal();
    (form.querySelector('input:not([type=hidden]), select, textarea') ?? primary).focus();
  });
}

/** Thrown by a dialog's submit to stay open after showing its own errors. */
export class KeepOpen extends Error {}

/** A problem response as an error: its rule picks the field it is shown beside. */
export class Problem extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `The CMS answered ${status}.`);
    this.status = status;
    this.rule = body?.rule ?? null;
    this.body = body ?? {};
  }
}

// Which form field a broken rule belongs beside; a rule not listed is shown above the form's buttons.
const FIELD_BY_RULE = [
  [/^server-name\./, 'name'],
  [/^group\.name-/, 'name'],
  [/^user\.(invalid-name|name-duplicate)$/, 'name'],
  [/^user\.unknown-role$/, 'role'],
  [/^auth\.password-too-(short|long)$/, 'newPassword'],
  [/^batch-naming\./, 'prefix'],
  [/^(server\.invalid-address|agent\.unreachable|agent\.not-an-agent|server\.already-added)$/, 'host'],
  [/^(agent\.wrong-password|server\.password-required|auth\.wrong-credentials|auth\.not-first-admin)$/, 'password'],
  [/^(agent\.certificate-mismatch|agent\.certificate-changed)$/, 'https'],
  [/^settings\.probe-interval$/, 'probeIntervalMs'],
  [/^settings\.probe-timeout$/, 'probeTimeoutMs'],
  [/^settings\.probe-misses$/, 'missesBeforeFailure'],
  [/^settings\.failure-conditions$/, 'failureConditions'],
  [/^settings\.stabilisation-period$/, 'stabilisationSeconds'],
  [/^settings\.standby-minimum-free$/, 'standbyMinimumFreeBytes'],
  [/^settings\.max-groups$/, 'maxGroups'],
  [/^settings\.max-servers-per-group$/, 'maxServersPerGroup'],
  [/^settings\.restore-bandwidth$/, 'restoreBandwidthBytesPerSecond'],
  [/^settings\.event-retention$/, 'eventRetentionDays'],
  [/^settings\.drill-hold$/, 'holdSeconds'],
  [/^settings\.drill-max-takeover$/, 'maxTakeoverSeconds'],
  [/^settings\.drill-max-gap$/, 'maxGapSeconds'],
  [/^settings\.drill-schedule$/, 'schedule'],
  [/^update\.feed-location$/, 'feed'],
];

export function fieldOf(rule) {
  return FIELD_BY_RULE.find(([pattern]) => pattern.test(rule ?? ''))?.[1] ?? null;
}

export function showProblem(form, error, options) {
  if (error instanceof Problem) showError(form, fieldOf(error.rule), error.message, error.rule, options);
  else showError(form, null, error?.message ?? String(error), null, options);
}

export function confirmDialog({ title, message, confirmLabel = 'Confirm', danger = true }) {
  return dialog({ title, body: [message].flat().map((m) => (m instanceof Node ? m : h('p', {}, m))), submitLabel: confirmLabel, danger })
    .then((value) => value === true);
}

/** A short message in the corner, read out by screen readers. */
export function toast(message, kind = 'info') {
  const region = document.getElementById('toasts');
  const item = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  region.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 10000 : 5000);
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '–';
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

// The administrators' Update dialogs: a manual update with a package file uploaded from this browser, and an online update
// to a version of the CMS's update feed, each for the servers picked. The CMS verifies and refuses; these dialogs show
// what it said, every refusal of a batch at once.
import { call, routes } from './api.js';
import { KeepOpen, Problem, clearErrors, dialog, field, formatBytes, h, showError, showProblem } from './ui.js';

const HOW = 'Protected recording servers are updated with no recording gap: their standby records their cameras meanwhile, '
  + 'then hands them back. Servers are updated one per failover group at a time; the list shows each one\'s progress.';

/** Manual update: pick servers, upload a package file (verified by the CMS), then start. */
export function manual(snapshot, selectedIds) {
  let uploaded = null;
  let uploading = null;
  const file = h('input', { type: 'file', name: 'package', accept: '.vup,application/octet-stream' });
  const bar = h('progress', { max: 100, value: 0, 'aria-label': 'Upload progress' });
  const barText = h('span', { class: 'upload-text' });
  const upload = h('div', { class: 'upload', hidden: true, role: 'status' }, bar, barText);
  const verified = h('div', { class: 'package-result', 'aria-live': 'polite' });
  file.addEventListener('change', () => {
    // A new file answers any earlier complaint about the package.
    clearErrors(file.form);
    uploaded = null;
    verified.replaceChildren();
    const chosen = file.files[0];
    if (!chosen) return;
    upload.hidden = false;
    const done = uploadPackage(chosen, (sent, total) => {
      bar.value = total ? Math.round((sent / total) * 100) : 0;
      barText.textContent = `Uploading ${bar.value}% · ${formatBytes(sent)} of ${formatBytes(total)}`;
    });
    uploading = done;
    done.then((view) => {
      if (uploading !== done) return;
      uploaded = view;
      barText.textContent = `Uploaded ${formatBytes(chosen.size)}; the CMS verified it.`;
      verified.replaceChildren(h('div', { class: 'test-result verified' },
        h('p', { class: 'ok-text' }, `Verified package: version ${view.version}`),
        h('dl', {}, h('dt', {}, 'Version'), h('dd', { dataset: { package: 'version' } }, view.version),
          h('dt', {}, 'Updates from'), h('dd', {}, `${view.oldestFrom} or later`),
          h('dt', {}, 'Size'), h('dd', {}, formatBytes(view.bytes)),
          h('dt', {}, 'SHA-256'), h('dd', { class: 'mono', dataset: { package: 'sha256' } }, view.sha256))));
    }, (error) => {
      if (uploading !== done) return;
      barText.textContent = 'Upload refused.';
      verified.replaceChildren(h('div', { class: 'test-result refused', role: 'alert' },
        h('p', { class: 'warning-text' }, 'The CMS refused this package'),
        h('p', {}, error.message, error.rule ? [' ', h('code', { class: 'rule' }, error.rule)] : null)));
    });
  });
  const picker = serverPicker(snapshot.servers, (s) => selectedIds.has(s.id), () => null);
  return dialog({
    title: 'Manual update',
    wide: true,
    body: [
      h('p', { class: 'hint how' }, HOW),
      picker,
      field('Update package', file, 'A signed Vigil agent package (.vup). It is uploaded and verified before anything is updated.'),
      upload,
      verified,
    ],
    submitLabel: 'Start update',
    submit: async (form) => {
      if (!uploaded) {
        showError(form, 'package', uploading && !uploaded ? 'Wait for a verified package: the upload is not done or was refused.' : 'Choose a package file first.');
        throw new KeepOpen();
      }
      return start(form, { servers: checkedIds(form), packageId: uploaded.id }, uploaded.version);
    },
  });
}

/** Online update: a version of the CMS's feed, for the servers that may move to it. */
export async function online(snapshot, selectedIds) {
  const available = await call('GET', routes.availableAgentUpdates);
  // Newest first: the operator usually wants the latest.
  const versions = [...available.versions].sort((a, b) => compareVersions(b.version, a.version));
  const offers = new Map(available.servers.map((o) => [o.serverId, o]));
  const version = h('select', { name: 'version' }, versions.map((v) => h('option', { value: v.version }, `${v.version} (${formatBytes(v.bytes)}; from ${v.oldestFrom})`)));
  const offered = (server) => offers.get(server.id)?.versions.includes(version.value);
  const picker = serverPicker(snapshot.servers, (s) => (selectedIds.size ? selectedIds.has(s.id) : true) && offered(s),
    (s) => (offered(s) ? null : `not offered ${version.value || 'any version'}`));
  version.addEventListener('change', () => picker.refresh());
  const feedLine = available.feed
    ? h('p', { class: 'hint' }, 'Feed: ', h('span', { class: 'mono' }, available.feed))
    : h('p', { class: 'warning-text' }, 'No online update feed is set. An administrator sets one in Settings ▸ Agent updates.');
  return dialog({
    title: 'Online update',
    wide: true,
    body: [
      h('p', { class: 'hint how' }, HOW),
      feedLine,
      available.error ? h('p', { class: 'form-error feed-error', role: 'alert' }, `The feed could not be read: ${available.error}`) : null,
      versions.length ? field('Target version', version, `This CMS runs ${available.cmsVersion}; only versions it manages are offered.`)
        : h('p', { class: 'empty' }, 'The feed offers no version.'),
      picker,
    ],
    submitLabel: 'Start update',
    submit: async (form) => {
      if (!version.value) {
        showError(form, null, 'There is no version to update to.');
        throw new KeepOpen();
      }
      return start(form, { servers: checkedIds(form), version: version.value }, version.value);
    },
  });
}

/** Queues the updates; a refused batch lists every server's refusal with its rule. */
async function start(form, body, target) {
  if (!body.servers.length) {
    showError(form, 'servers', 'Pick at least one server.');
    throw new KeepOpen();
  }
  try {
    const { updates } = await call('POST', routes.agentUpdates, body);
    return `Queued ${updates.length} ${updates.length === 1 ? 'update' : 'updates'} to ${target}.`;
  } catch (error) {
    const errors = error instanceof Problem ? error.body.errors : null;
    if (!errors?.length) {
      showProblem(form, error);
      throw new KeepOpen();
    }
    const holder = form.querySelector('.form-error');
    holder.replaceChildren(h('p', {}, `The CMS refused the update (${errors.length} ${errors.length === 1 ? 'reason' : 'reasons'}):`),
      h('ul', { class: 'refusal-list' }, errors.map((e) => h('li', {}, e.message, ' ', h('code', { class: 'rule' }, e.rule)))));
    holder.hidden = false;
    throw new KeepOpen();
  }
}

/**
 * The servers as a checklist: each with its version and standing. `disabledReason` returns why a server cannot be
 * picked (shown beside it), or null; `refresh()` applies it again after the target changed.
 */
function serverPicker(servers, initiallyChecked, disabledReason) {
  const rows = servers.map((s) => {
    const input = h('input', { type: 'checkbox', name: 'servers', value: String(s.id), checked: initiallyChecked(s) });
    const why = h('span', { class: 'muted why' });
    const line = h('label', { dataset: { server: s.name } }, input, ` ${s.name} `,
      h('span', { class: 'muted' }, `${s.role === 'standby' ? 'standby' : 'recording'} · ${s.agentVersion || 'version unknown'}`),
      s.compatibility && s.compatibility !== 'compatible' ? h('span', { class: 'tag' }, s.compatibility.replace('_', ' ')) : null, ' ', why);
    const apply = () => {
      const reason = disabledReason(s);
      input.disabled = Boolean(reason);
      if (reason) input.checked = false;
      why.textContent = reason ?? '';
    };
    apply();
    return { line, apply };
  });
  const set = h('fieldset', { class: 'field server-picker', dataset: { field: 'servers' } },
    h('legend', {}, 'Servers to update'),
    servers.length ? rows.map((r) => r.line) : h('p', { class: 'muted' }, 'No servers yet.'),
    h('p', { class: 'field-error', role: 'alert', hidden: true }));
  set.refresh = () => rows.forEach((r) => r.apply());
  return set;
}

function compareVersions(a, b) {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

function checkedIds(form) {
  return [...form.querySelectorAll('input[name=servers]:checked')].map((i) => Number(i.value));
}

/**
 * Uploads a package with the console's header; fetch reports no upload progress, XMLHttpRequest does. Resolves with the
 * verified package, or rejects with the CMS's refusal as a Problem.
 */
function uploadPackage(file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', routes.agentUpdatePackages);
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.setRequestHeader('X-Vigil-Console', '1');
    request.upload.addEventListener('progress', (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size));
    request.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // A refusal without a problem document still fails with its status below.
      }
      if (request.status >= 200 && request.status < 300) {
        onProgress(file.size, file.size);
        resolve(body);
        return;
      }
      const problem = new Problem(request.status, body);
      if (problem.rule === 'auth.required') location.assign('/login');
      reject(problem);
    });
    request.addEventListener('error', () => reject(new Problem(0, { detail: 'The upload stopped: the CMS cannot be reached. Try again.' })));
    request.send(file);
  });
}

// How agent versions and updates read in the failover-server list: the version with its standing against the CMS,
// and a server's update as it goes (step in words, what happens now, and why it ended badly).
import { h } from './ui.js';

export const STEPS = {
  queued: 'Update queued',
  downloading: 'Downloading the update',
  handing_over: 'Handing cameras to the standby',
  updating: 'Updating',
  handing_back: 'Handing cameras back',
  done: 'Updated',
  rolled_back: 'Update rolled back',
  failed: 'Update failed',
};

const TONES = { done: 'ok', rolled_back: 'bad', failed: 'bad' };

export const COMPATIBILITY = {
  update_required: 'update required',
  incompatible: 'incompatible',
};

/** The version cell: the agent's version, and a mark when it must be updated before the CMS manages it fully. */
export function versionCell(server) {
  const mark = COMPATIBILITY[server.compatibility];
  return h('td', { class: 'version', dataset: { compatibility: server.compatibility ?? 'compatible' } },
    h('span', { class: 'agent-version' }, server.agentVersion || '–'),
    mark ? h('div', {}, h('span', { class: `badge ${server.compatibility === 'incompatible' ? 'bad' : 'warn'}` }, mark)) : null);
}

/** A server's update under way or ended in the last hour; an ended one says how it went, a failed one why. */
export function updateLine(server) {
  const update = server.update;
  if (!update) return null;
  const ended = ['done', 'rolled_back', 'failed'].includes(update.step);
  return h('div', { class: `update-line ${TONES[update.step] ?? 'busy'}`, dataset: { updateStep: update.step } },
    h('span', { class: 'step' }, STEPS[update.step] ?? update.step),
    ` ${update.fromVersion} → ${update.toVersion}`,
    update.route === 'rolling' ? h('span', { class: 'tag', title: 'A standby records its cameras meanwhile: no recording gap.' }, 'rolling') : null,
    !ended && update.detail ? h('div', { class: 'detail' }, update.detail) : null,
    update.reason ? h('div', { class: 'reason' }, update.reason) : null);
}

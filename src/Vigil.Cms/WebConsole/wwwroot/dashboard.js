// The seeds' Failover Server / Failover Group tab: groups as tabs, the servers of the selected group and
// status in a table, the status panel on the right (every status with its count, a filter when clicked),
// and the toolbar that acts on the selected servers. Drawn again from every live snapshot.
import { Declined } from './api.js';
import { h, formatBytes, formatDuration, toast } from './ui.js';
import { PHASES, RECORDING_STATUSES, STANDBY_STATUSES, statusesOf, toneOf } from './statuses.js';
import * as serverDialogs from './server-dialogs.js';
import * as groupDialogs from './group-dialogs.js';
import * as updateDialogs from './update-dialogs.js';
import { updateLine, versionCell } from './updates.js';

const state = {
  group: 'all', // 'all' or a group id
  filter: null, // { role, code } from the status panel
  selected: new Set(),
};

// A snapshot that arrives while a menu is open waits until it closes, so the menu stays under the pointer.
let deferred = null;

export function render(root, snapshot, isAdmin) {
  if (root.querySelector('.menu-list:not([hidden])')) {
    deferred = () => render(root, snapshot, isAdmin);
    return;
  }
  deferred = null;
  const focusKey = document.activeElement?.dataset?.focusKey;
  const groups = snapshot.groups;
  if (state.group !== 'all' && !groups.some((g) => g.id === state.group)) state.group = 'all';
  const known = new Set(snapshot.servers.map((s) => s.id));
  for (const id of [...state.selected]) if (!known.has(id)) state.selected.delete(id);

  const inGroup = snapshot.servers.filter((s) => state.group === 'all' || s.groupId === state.group);
  const shown = inGroup.filter((s) => !state.filter || (s.role === state.filter.role && s.status.code === state.filter.code));
  const rerender = () => render(root, snapshot, isAdmin);

  root.replaceChildren(
    h('div', { class: 'dashboard' },
      h('section', { class: 'servers-pane', 'aria-label': 'Failover servers' },
        groupTabs(groups, snapshot, rerender),
        state.group === 'all' ? null : groupBar(groups.find((g) => g.id === state.group), snapshot),
        toolbar(snapshot, rerender, isAdmin),
        serverTable(shown, inGroup.length, snapshot, rerender)),
      statusPanel(inGroup, rerender)));

  if (focusKey) root.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
}

function groupTabs(groups, snapshot, rerender) {
  const tab = (key, label, count) => h('button', {
    role: 'tab',
    class: 'tab',
    'aria-selected': String(state.group === key),
    dataset: { focusKey: `tab-${key}` },
    onclick: () => {
      state.group = key;
      state.selected.clear();
      rerender();
    },
  }, label, h('span', { class: 'count' }, count));
  return h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Failover groups' },
    tab('all', 'All groups', snapshot.servers.length),
    groups.map((g) => tab(g.id, g.name, g.recordingServers + g.standbyServers)),
    h('button', { class: 'tab add', title: 'Add a failover group', dataset: { focusKey: 'add-group' }, onclick: () => guarded(groupDialogs.add()) },
      '+ Add group'));
}

function groupBar(group, snapshot) {
  const takeovers = snapshot.failovers.filter((f) => snapshot.servers.find((s) => s.id === f.recordingServerId)?.groupId === group.id);
  return h('div', { class: 'group-bar' },
    h('h2', {}, group.name),
    h('label', { class: 'switch' },
      h('input', {
        type: 'checkbox',
        role: 'switch',
        checked: group.protectionEnabled,
        dataset: { focusKey: `protection-${group.id}` },
        onchange: (event) => guarded(groupDialogs.setProtection(group, event.target.checked)),
      }),
      ' Failover protection'),
    h('span', { class: 'muted' }, `${group.recordingServers} recording · ${group.standbyServers} standby`),
    h('span', { class: 'spacer' }),
    h('button', { onclick: () => guarded(groupDialogs.rename(group)) }, 'Rename'),
    group.isDefault
      ? h('button', { disabled: true, title: '"Failover Group 1" is the default group and cannot be deleted.' }, 'Delete group')
      : h('button', { class: 'danger-outline', onclick: () => guarded(groupDialogs.remove(group, takeovers.length)) }, 'Delete group'));
}

function toolbar(snapshot, rerender, isAdmin) {
  const selected = snapshot.servers.filter((s) => state.selected.has(s.id));
  const one = selected.length === 1 ? selected[0] : null;
  const failover = one && snapshot.failovers.find((f) => f.recordingServerId === one.id);
  const advanced = serverDialogs.advancedActions(one, failover, snapshot);
  const defaultGroup = state.group === 'all' ? snapshot.groups[0]?.id : state.group;
  return h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Server actions' },
    menu('Add', [
      ['Add server', () => serverDialogs.add(snapshot, defaultGroup)],
      ['Add batch', () => serverDialogs.batch(snapshot, defaultGroup)],
    ]),
    h('button', { disabled: !one, onclick: () => guarded(serverDialogs.edit(one, snapshot)) }, 'Edit'),
    h('button', { disabled: !selected.length, onclick: () => guarded(serverDialogs.setEnabled(selected, true)) }, 'Enable'),
    h('button', { disabled: !selected.length, onclick: () => guarded(serverDialogs.setEnabled(selected, false)) }, 'Disable'),
    h('button', { class: 'danger-outline', disabled: !selected.length, onclick: () => guarded(serverDialogs.remove(selected)) }, 'Delete'),
    menu('Advanced', advanced, !advanced.some(([, run]) => run)),
    // Updates change what runs on the servers: administrators only (the CMS refuses anyone else; hidden to spare the refusal).
    isAdmin ? menu('Update', [
      ['Manual update', () => updateDialogs.manual(snapshot, state.selected)],
      ['Online update', () => updateDialogs.online(snapshot, state.selected)],
    ]) : null,
    h('span', { class: 'spacer' }),
    state.filter
      ? h('button', {
        class: 'chip',
        title: 'Show every status again',
        onclick: () => {
          state.filter = null;
          rerender();
        },
      }, `Status: ${statusesOf(state.filter.role).find((s) => s.code === state.filter.code).label} (${state.filter.role}) ✕`)
      : null,
    selected.length ? h('span', { class: 'muted' }, `${selected.length} selected`) : null);
}

/** A button opening a short list of actions; an action without a function is shown disabled with its reason. */
function menu(label, items, disabled = false) {
  const list = h('div', { class: 'menu-list', role: 'menu', hidden: true });
  const button = h('button', {
    'aria-haspopup': 'menu',
    'aria-expanded': 'false',
    disabled,
    dataset: { focusKey: `menu-${label}` },
    onclick: () => toggle(list.hidden),
  }, `${label} ▾`);
  function toggle(open) {
    list.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) list.querySelector('button:not([disabled])')?.focus();
    else if (deferred) queueMicrotask(() => deferred?.());
  }
  for (const [text, run, reason] of items) {
    list.append(h('button', {
      role: 'menuitem',
      disabled: !run,
      title: reason,
      onclick: () => {
        toggle(false);
        guarded(run());
      },
    }, text));
  }
  const wrapper = h('div', { class: 'menu' }, button, list);
  wrapper.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !list.hidden) {
      toggle(false);
      button.focus();
    }
  });
  wrapper.addEventListener('focusout', (event) => {
    if (!wrapper.contains(event.relatedTarget)) toggle(false);
  });
  return wrapper;
}

// The model gives way first when the screen is narrow (it stays in the name's tooltip); the version stays, since it may
// need an update.
const COLUMNS = [
  { label: 'Name and role' }, { label: 'Group' }, { label: 'Address' }, { label: 'Model', class: 'optional' }, { label: 'Version' },
  { label: 'License channels', class: 'num' }, { label: 'Cameras', class: 'num' }, { label: 'Free space', class: 'num' }, { label: 'Status' },
];

function serverTable(servers, inGroupCount, snapshot, rerender) {
  if (!servers.length) {
    return h('div', { class: 'empty' }, inGroupCount
      ? 'No server is in this status.'
      : h('p', {}, 'No servers here yet. Use ', h('strong', {}, 'Add'), ' to add a recording server or a standby server.'));
  }
  const allSelected = servers.every((s) => state.selected.has(s.id));
  const selectAll = h('input', {
    type: 'checkbox',
    'aria-label': 'Select all servers shown',
    checked: allSelected,
    dataset: { focusKey: 'select-all' },
    onchange: (event) => {
      for (const s of servers) event.target.checked ? state.selected.add(s.id) : state.selected.delete(s.id);
      rerender();
    },
  });
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'servers' },
      h('thead', {}, h('tr', {},
        h('th', { class: 'select' }, selectAll),
        COLUMNS.filter((c) => state.group === 'all' || c.label !== 'Group').map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', {}, servers.map((s) => serverRow(s, snapshot, rerender)))));
}

function serverRow(server, snapshot, rerender) {
  const selected = state.selected.has(server.id);
  const free = server.spaces.reduce((sum, space) => sum + space.freeBytes, 0);
  const capacity = server.spaces.reduce((sum, space) => sum + space.capacityBytes, 0);
  const toggle = () => {
    selected ? state.selected.delete(server.id) : state.selected.add(server.id);
    rerender();
  };
  return h('tr', { class: selected ? 'selected' : '', dataset: { server: server.name } },
    h('td', { class: 'select' }, h('input', {
      type: 'checkbox', 'aria-label': `Select ${server.name}`, checked: selected, dataset: { focusKey: `select-${server.id}` }, onchange: toggle,
    })),
    h('th', { scope: 'row', class: 'name', title: `${server.model} · serial ${server.serial} · agent ${server.agentVersion}` }, server.name, server.enabled ? null : h('span', { class: 'tag' }, 'disabled'),
      h('div', { class: 'role' }, server.role === 'standby' ? 'Standby server' : 'Recording server')),
    state.group === 'all' ? h('td', { class: 'nowrap' }, server.groupName ?? h('em', {}, 'none')) : null,
    h('td', { class: 'mono nowrap' }, `${server.address.host}:${server.address.port}`, server.address.https ? h('span', { class: 'tag', title: `Certificate ${server.certificateFingerprint ?? ''}` }, 'https') : null),
    h('td', { class: 'nowrap optional' }, server.model || '–'),
    versionCell(server),
    h('td', { class: 'num' }, server.licenseChannels),
    camerasCell(server),
    h('td', { class: 'num', title: capacity ? `${formatBytes(free)} free of ${formatBytes(capacity)}` : undefined }, server.spaces.length ? formatBytes(free) : '–'),
    h('td', { class: 'status-cell' }, statusBadge(server), h('div', { class: 'detail' }, server.status.detail), clockLine(server), failoverLine(server, snapshot), updateLine(server)));
}

// A dead camera is not the server's failure (its status stays normal), so each one that cannot be recorded, or
// whose audio was dropped, is named under the count with why, in the camera's own words.
function camerasCell(server) {
  const notable = (server.cameraStates ?? []).filter((c) => c.state === 'unreachable' || c.note);
  return h('td', { class: 'num' }, server.cameras.length,
    notable.length ? h('div', { class: 'detail camera-states' }, notable.map((c) => h('div', { dataset: { camera: c.id, cameraState: c.state } },
      c.state === 'unreachable' ? `${c.id} unreachable: ${c.problem ?? 'no answer'}` : `${c.id}: ${c.note}`))) : null);
}

export function statusBadge(server) {
  return h('span', { class: `badge ${toneOf(server.role, server.status.code)}`, dataset: { status: server.status.code } }, server.status.label);
}

/** A server whose clock is more than the limit from the CMS's: its footage times (and a drill's gaps) are off. */
function clockLine(server) {
  if (!server.clock?.drifting) return null;
  const offset = server.clock.offsetSeconds;
  return h('div', { class: 'detail clock-drift', role: 'status' },
    `Clock ${offset > 0 ? '+' : ''}${offset} s from the CMS's (more than ${server.clock.limitSeconds} s): footage times are off; check NTP on both.`);
}

/** What the failover of a recording server (or the one a standby records for) is doing, with restore progress. */
function failoverLine(server, snapshot) {
  const failover = snapshot.failovers.find((f) => f.recordingServerId === server.id || f.standbyId === server.id);
  if (!failover) return null;
  const other = server.role === 'standby' ? `for ${failover.recordingServerName}` : failover.standbyName ? `standby ${failover.standbyName}` : null;
  const line = h('div', { class: 'failover' }, h('span', { class: 'phase' }, PHASES[failover.phase] ?? failover.phase), other ? ` · ${other}` : null);
  if (failover.phase === 'restoring' && failover.restore.filesTotal > 0) line.append(restoreProgress(failover.restore, server.name));
  return line;
}

export function restoreProgress(restore, name) {
  const rate = restore.bytesPerSecond ? `${formatBytes(restore.bytesPerSecond)}/s` : null;
  const left = restore.secondsLeft !== null ? `${formatDuration(restore.secondsLeft)} left` : null;
  return h('div', { class: 'restore' },
    h('progress', { max: 100, value: restore.percent, 'aria-label': `Restore of ${name}` }),
    h('span', {}, `${restore.percent.toFixed(0)}% · ${restore.filesCopied}/${restore.filesTotal} files · ${formatBytes(restore.bytesCopied)} of ${formatBytes(restore.bytesTotal)}`,
      rate ? ` · ${rate}` : null, left ? ` · ${left}` : null),
    cameraProgress(restore.cameras ?? []));
}

/** Per camera, what is home on the recording server and what is still on the standby (empty until the CMS counted it). */
function cameraProgress(cameras) {
  if (cameras.length === 0) return null;
  return h('ul', { class: 'restore-cameras', 'aria-label': 'Restore by camera' }, cameras.map((c) => {
    const left = c.filesTotal - c.filesHome;
    return h('li', {
      dataset: { camera: c.cameraId, home: left === 0 ? 'all' : 'part' },
      title: `${formatBytes(c.bytesHome)} of ${formatBytes(c.bytesTotal)} home; ${left} file${left === 1 ? '' : 's'} still on the standby`,
    }, `${c.cameraId} ${c.filesHome}/${c.filesTotal} home`);
  }));
}

function statusPanel(servers, rerender) {
  const section = (title, role, statuses) => h('div', { class: 'status-group' },
    h('h3', {}, title),
    h('ul', {}, statuses.map((status) => {
      const count = servers.filter((s) => s.role === role && s.status.code === status.code).length;
      const pressed = state.filter?.role === role && state.filter?.code === status.code;
      return h('li', {}, h('button', {
        class: `status-filter ${status.tone}`,
        'aria-pressed': String(pressed),
        title: status.description,
        dataset: { focusKey: `filter-${role}-${status.code}`, status: status.code, role },
        onclick: () => {
          state.filter = pressed ? null : { role, code: status.code };
          rerender();
        },
      }, h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'label' }, status.label), h('span', { class: 'count' }, count)));
    })));
  return h('aside', { class: 'status-panel', 'aria-label': 'Failover status' },
    h('h2', {}, 'Failover status'),
    section('Recording servers', 'recording', RECORDING_STATUSES),
    section('Standby servers', 'standby', STANDBY_STATUSES));
}

/** Runs an action; a declined confirmation is no error, any other failure is shown. */
export async function guarded(promise) {
  try {
    const message = await promise;
    if (typeof message === 'string') toast(message);
  } catch (error) {
    if (!(error instanceof Declined)) toast(error.message, 'error');
  }
}


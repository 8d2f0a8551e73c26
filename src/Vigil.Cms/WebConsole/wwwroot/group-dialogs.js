// Failover groups: add, rename, protection on or off, delete (with the seeds' warning and the first admin's verification).
import { act, call, routes } from './api.js';
import { confirmDialog, dialog, field, h } from './ui.js';

function nameDialog(title, value, submitLabel, save) {
  const name = h('input', { name: 'name', value, autocomplete: 'off', required: true });
  return dialog({ title, body: [field('Group name', name)], submitLabel, submit: () => save(name.value) });
}

export function add() {
  return nameDialog('Add failover group', '', 'Add', async (name) => {
    const group = await call('POST', routes.groups, { name });
    return `Added ${group.name}.`;
  });
}

export function rename(group) {
  return nameDialog(`Rename ${group.name}`, group.name, 'Save', async (name) => {
    const renamed = await call('PUT', `${routes.groups}/${group.id}`, { name });
    return `Renamed to ${renamed.name}.`;
  });
}

export async function setProtection(group, enabled) {
  await call('PUT', `${routes.groups}/${group.id}/protection`, { enabled });
  return `Failover protection of ${group.name} is ${enabled ? 'on' : 'off'}.`;
}

export async function remove(group, takeovers) {
  const confirmed = await confirmDialog({
    title: `Delete ${group.name}?`,
    message: [
      h('p', { class: 'warning-text' }, 'Warning: upon deleting a failover group, any takeover process in it is interrupted immediately.'),
      takeovers
        ? h('p', {}, `${takeovers} takeover(s) are in progress in this group: their standby servers stop and their failover recordings are removed.`)
        : null,
      h('p', {}, 'Its servers stay in the CMS without a group. You will be asked to verify as the first admin user.'),
    ].filter(Boolean),
    confirmLabel: 'Delete group',
  });
  if (!confirmed) return null;
  await act('DELETE', `${routes.groups}/${group.id}`);
  return `Deleted ${group.name}.`;
}

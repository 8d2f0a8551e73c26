// Users and their roles, for administrators (the CMS refuses everyone else): add, change role, reset a
// password, delete. The first admin stays as it is: it confirms the actions that discard footage.
import { Declined, call, routes } from './api.js';
import { confirmDialog, dialog, field, formatTime, h, toast } from './ui.js';

const ROLES = [
  ['administrator', 'Administrator — everything'],
  ['operator', 'Operator — failover actions, reads everything'],
  ['viewer', 'Viewer — reads only'],
];

export async function render(root) {
  const { users } = await call('GET', routes.users);
  const redraw = () => render(root).catch((error) => toast(error.message, 'error'));
  const run = async (action) => {
    try {
      const message = await action();
      if (message) toast(message);
      redraw();
    } catch (error) {
      if (!(error instanceof Declined)) toast(error.message, 'error');
    }
  };
  const roleSelect = (user) => h('select', {
    name: 'role',
    'aria-label': `Role of ${user.name}`,
    disabled: user.isFirstAdmin,
    onchange: (event) => run(async () => {
      const changed = await call('PUT', `${routes.users}/${user.id}/role`, { role: event.target.value });
      return `${changed.name} is now ${changed.role}.`;
    }),
  }, ROLES.map(([value]) => h('option', { value, selected: user.role === value }, value)));
  root.replaceChildren(h('section', { class: 'page users-page' },
    h('h1', {}, 'Users'),
    h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'primary', onclick: () => run(add) }, 'Add user')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'users' },
      h('thead', {}, h('tr', {}, ['Name', 'Role', 'Added', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, users.map((user) => h('tr', { dataset: { user: user.name } },
        h('td', {}, user.name, user.isFirstAdmin ? h('span', { class: 'muted' }, ' (first admin)') : null),
        h('td', {}, roleSelect(user)),
        h('td', { class: 'nowrap' }, formatTime(user.createdAt)),
        h('td', { class: 'nowrap' },
          h('button', { type: 'button', disabled: user.isFirstAdmin, onclick: () => run(() => resetPassword(user)) }, 'Reset password'), ' ',
          h('button', { type: 'button', class: 'danger-outline', disabled: user.isFirstAdmin, onclick: () => run(() => remove(user)) }, 'Delete')))))))));
}

async function add() {
  const name = h('input', { name: 'name', autocomplete: 'off', required: true });
  const role = h('select', { name: 'role' }, ROLES.map(([value, label]) => h('option', { value, selected: value === 'operator' }, label)));
  const password = h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', minlength: 8, required: true });
  const added = await dialog({
    title: 'Add user',
    body: [field('User name', name), field('Role', role), field('Password', password, 'At least 8 characters; they can change it later.')],
    submitLabel: 'Add',
    submit: () => call('POST', routes.users, { name: name.value, role: role.value, password: password.value }),
  });
  return added ? `Added ${added.name} (${added.role}).` : null;
}

async function resetPassword(user) {
  const password = h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', minlength: 8, required: true });
  const done = await dialog({
    title: `Reset the password of ${user.name}`,
    body: [h('p', {}, 'Their sessions end; they sign in again with the new password.'), field('New password', password, 'At least 8 characters.')],
    submitLabel: 'Reset password',
    submit: async () => {
      await call('PUT', `${routes.users}/${user.id}/password`, { password: password.value });
      return true;
    },
  });
  return done ? `Reset the password of ${user.name}.` : null;
}

async function remove(user) {
  if (!(await confirmDialog({ title: `Delete ${user.name}?`, message: 'Their sessions end at once.', confirmLabel: 'Delete user' }))) return null;
  await call('DELETE', `${routes.users}/${user.id}`);
  return `Deleted ${user.name}.`;
}

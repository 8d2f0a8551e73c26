// The signed-in user's own password: every session of theirs ends, and the console goes on in the new one the
// CMS answers with (it replaces the cookie).
import { call, routes } from './api.js';
import { KeepOpen, dialog, field, h, showError, toast } from './ui.js';

export async function changePassword() {
  const current = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', minlength: 8, required: true });
  const again = h('input', { name: 'newPasswordAgain', type: 'password', autocomplete: 'new-password', required: true });
  const changed = await dialog({
    title: 'Change your password',
    body: [
      h('p', {}, 'Every other session of yours ends, on this and other devices.'),
      field('Current password', current),
      field('New password', next, 'At least 8 characters.'),
      field('New password again', again),
    ],
    submitLabel: 'Change password',
    submit: async (form) => {
      if (next.value !== again.value) {
        showError(form, 'newPasswordAgain', 'The two new passwords differ.');
        throw new KeepOpen();
      }
      await call('PUT', routes.password, { currentPassword: current.value, newPassword: next.value });
      return true;
    },
  });
  if (changed) toast('Password changed; your other sessions have ended.');
}

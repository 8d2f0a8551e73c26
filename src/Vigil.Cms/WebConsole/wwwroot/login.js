// The sign-in page: the CMS sets an HttpOnly session cookie and the console opens.
import { call, routes } from './api.js';
import { clearErrors, showProblem } from './ui.js';

const form = document.getElementById('login-form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(form);
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await call('POST', routes.session, { user: form.user.value, password: form.password.value });
    location.assign('/');
  } catch (error) {
    showProblem(form, error);
  } finally {
    button.disabled = false;
  }
});

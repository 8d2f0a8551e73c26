// The agent update settings: where the online update feed is. Every role reads it; only administrators change it (the
// CMS refuses anyone else, the form is read-only for them to spare them the refusal).
import { call, routes } from './api.js';
import { clearErrors, field, h, showProblem, toast } from './ui.js';

export async function feedForm(isAdmin) {
  const settings = await call('GET', routes.agentUpdateSettings);
  const feed = h('input', { name: 'feed', class: 'mono', value: settings.feed ?? '', spellcheck: false, readonly: !isAdmin, placeholder: 'https://updates.example.com/vigil/' });
  const save = h('button', { type: 'submit', class: 'primary', disabled: !isAdmin }, 'Save update feed');
  const form = h('form', { class: 'settings update-settings', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Agent updates'),
      field('Online update feed', feed, 'An https URL, or an absolute folder on the CMS machine, holding catalog.json and its packages. Empty for none. Used by Update ▸ Online update.'),
      isAdmin ? null : h('p', { class: 'hint' }, 'Only administrators change the update feed.')),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'form-buttons' }, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    save.disabled = true;
    try {
      const saved = await call('PUT', routes.agentUpdateSettings, { feed: feed.value.trim() || null });
      feed.value = saved?.feed ?? '';
      toast('Update feed saved.');
    } catch (error) {
      showProblem(form, error);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

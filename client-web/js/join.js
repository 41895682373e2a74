// Join: name and role, from a #join=CODE link.

import { h, fill, field } from './dom.js';
import { t } from './i18n.js';
import { joinDrill } from './api.js';
import { ROLES } from './state.js';
import { showError } from './home.js';

export function joinScreen({ main, code, onJoined, onHome }) {
  const name = h('input', { id: 'join-name', type: 'text', maxLength: 40, autocomplete: 'name', required: true });
  const roles = h('div', { class: 'role-grid' }, ROLES.map((role) => {
    const id = `role-${role}`;
    return h('div', { class: 'role-choice' },
      h('input', { type: 'radio', name: 'role', id, value: role }),
      h('label', { htmlFor: id },
        h('span', { class: 'role-title', i18n: `role.${role}` }),
        h('span', { class: 'role-desc', i18n: `roledesc.${role}` })));
  }));
  const error = h('p', { class: 'form-error', id: 'join-error', hidden: true, attrs: { role: 'alert' } });
  const join = h('button', { type: 'submit', class: 'btn btn-primary btn-large', id: 'join-button', i18n: 'join.join' });
  const newbie = h('button', { type: 'button', class: 'btn btn-secondary', id: 'newbie-button', i18n: 'join.newbie' });
  const back = h('button', { type: 'button', class: 'btn btn-ghost', i18n: 'join.back' });
  back.addEventListener('click', onHome);

  const form = h('form', { class: 'card join-card', attrs: { 'aria-labelledby': 'join-screen-title' } },
    h('h1', { id: 'join-screen-title', i18n: 'join.title' }),
    h('p', { class: 'hint' }, h('span', { i18n: 'join.code' }), ' ', h('code', { class: 'mono', text: code })),
    field('join.your_name', name, 'home.name_hint'),
    h('fieldset', { class: 'roles' }, h('legend', { i18n: 'join.role' }), roles),
    error,
    h('div', { class: 'actions' }, join, newbie, back));
  fill(main, h('div', { class: 'join' }, form));
  main.classList.remove('main-drill');
  name.focus();

  let busy = false;
  async function submit(role) {
    error.hidden = true;
    if (busy) return;
    if (!name.value.trim()) {
      showError(error, t('common.name_required'));
      name.focus();
      return;
    }
    if (!role) {
      showError(error, t('join.pick_role'));
      const first = form.querySelector('input[name=role]');
      if (first) first.focus();
      return;
    }
    busy = true;
    join.disabled = true;
    newbie.disabled = true;
    try {
      const res = await joinDrill(code, name.value.trim(), role);
      onJoined(res);
    } catch (err) {
      showError(error, err.message);
      busy = false;
      join.disabled = false;
      newbie.disabled = false;
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const picked = form.querySelector('input[name=role]:checked');
    submit(picked ? picked.value : null);
  });
  newbie.addEventListener('click', () => {
    const agent = form.querySelector('#role-support_agent');
    if (agent) agent.checked = true;
    submit('support_agent');
  });
  return { destroy() {} };
}

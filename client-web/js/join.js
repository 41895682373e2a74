// Join: name and role, from a #join=CODE link.
//
// The code is checked first: a wrong or expired one is refused, as a
// sentence, before anything is asked; a facilitator code asks for a name
// only, whatever the link says.
//
// Three ways in: pick a role; "I'm new" (support, with an orientation
// first); or just a name, when the facilitator planned a role for it. A
// co-facilitator link (#join=CODE&as=facilitator) asks for a name only.
// The server decides the seat (a planned role wins over the one picked);
// onJoined gets its answer and what was asked for, so the caller can say
// what happened.

import { h, fill, field, tr } from './dom.js';
import { t } from './i18n.js';
import { joinDrill, checkCode } from './api.js';
import { ROLES } from './state.js';
import { showError } from './home.js';

export function joinScreen({ main, code, asFacilitator, onJoined, onHome }) {
  let facilitatorMode = !!asFacilitator;
  const name = h('input', { id: 'join-name', type: 'text', maxLength: 40, autocomplete: 'name', required: true });
  const roles = h('div', { class: 'role-grid' }, ROLES.map((role) => {
    const id = `role-${role}`;
    return h('div', { class: 'role-choice' },
      h('input', { type: 'radio', name: 'role', id, value: role }),
      h('label', { htmlFor: id },
        h('span', { class: 'role-title', i18n: `role.${role}` }),
        h('span', { class: 'role-desc', i18n: `roledesc.${role}` })));
  }));
  const roleBox = h('fieldset', { class: 'roles' },
    h('legend', { i18n: 'join.role' }),
    h('p', { class: 'hint join-planned-hint', i18n: 'join.planned_hint' }),
    roles);
  const error = h('p', { class: 'form-error', id: 'join-error', hidden: true, attrs: { role: 'alert' } });
  const join = h('button', { type: 'submit', class: 'btn btn-primary btn-large', id: 'join-button' });
  const newbie = h('button', { type: 'button', class: 'btn btn-secondary', id: 'newbie-button', i18n: 'join.newbie' });
  const back = h('button', { type: 'button', class: 'btn btn-ghost', i18n: 'join.back' });
  back.addEventListener('click', onHome);

  const title = h('h1', { id: 'join-screen-title' });
  const cofacNote = h('div', { class: 'secret-note', id: 'cofac-note' },
    h('p', { class: 'secret-title', i18n: 'join.cofac_title_note' }),
    h('p', { i18n: 'join.cofac_note' }));
  const form = h('form', { class: 'card join-card', attrs: { 'aria-labelledby': 'join-screen-title' } },
    title,
    h('p', { class: 'hint' }, h('span', { i18n: 'join.code' }), ' ', h('code', { class: 'mono join-code', text: code })),
    cofacNote,
    field('join.your_name', name, 'home.name_hint'),
    roleBox,
    error,
    h('div', { class: 'actions' }, join, newbie, back));
  const checking = h('div', { class: 'card join-card', id: 'join-checking' }, h('p', { class: 'loading', i18n: 'join.checking' }));
  const refusedText = h('p', { class: 'form-error', id: 'join-code-error', attrs: { role: 'alert' } });
  const retry = h('button', { type: 'button', class: 'btn', i18n: 'common.retry' });
  const home = h('a', { href: '#', class: 'btn btn-primary', id: 'join-home', i18n: 'join.home' });
  const refused = h('section', { class: 'card join-card', id: 'join-refused', hidden: true, attrs: { 'aria-labelledby': 'join-refused-title' } },
    h('h1', { id: 'join-refused-title', i18n: 'join.refused_title' }),
    h('p', { class: 'hint' }, h('span', { i18n: 'join.code' }), ' ', h('code', { class: 'mono join-code', text: code })),
    refusedText,
    h('p', { class: 'hint', i18n: 'join.refused_hint' }),
    h('div', { class: 'actions' }, home, retry));
  form.hidden = true;
  fill(main, h('div', { class: 'join' }, checking, refused, form));
  main.classList.remove('main-drill');

  function setMode(facilitator) {
    facilitatorMode = facilitator;
    tr(title, facilitator ? 'join.cofac_title' : 'join.title');
    tr(join, facilitator ? 'join.cofac_join' : 'join.join');
    cofacNote.hidden = !facilitator;
    roleBox.hidden = facilitator;
    newbie.hidden = facilitator;
  }
  setMode(facilitatorMode);

  let gone = false;
  async function check() {
    checking.hidden = false;
    refused.hidden = true;
    form.hidden = true;
    try {
      const res = await checkCode(code);
      if (gone) return;
      setMode(res && res.seat === 'facilitator');
      checking.hidden = true;
      form.hidden = false;
      name.focus();
    } catch (err) {
      if (gone) return;
      checking.hidden = true;
      refusedText.textContent = err.message;
      // A network failure may pass; a wrong or ended code will not.
      retry.hidden = err.code !== 'network' && err.code !== 'full' && err.code !== 'storage';
      refused.hidden = false;
      home.focus();
    }
  }
  retry.addEventListener('click', check);
  check();

  let busy = false;
  function setBusy(on) {
    busy = on;
    join.disabled = on;
    newbie.disabled = on;
  }

  /** ask: {role} | {newcomer: true} | {} (a planned role, or co-facilitator). */
  async function submit(ask) {
    error.hidden = true;
    if (busy) return;
    if (!name.value.trim()) {
      showError(error, t('common.name_required'));
      name.focus();
      return;
    }
    setBusy(true);
    try {
      const res = await joinDrill(code, name.value.trim(), ask);
      onJoined(res, { picked: ask.role || null, newcomer: !!ask.newcomer, name: name.value.trim() });
    } catch (err) {
      setBusy(false);
      const noRole = err.code === 'invalid_value' && !ask.role && !ask.newcomer;
      if (noRole && facilitatorMode) {
        // Not a co-facilitator link after all: an ordinary join code.
        setMode(false);
        showError(error, t('join.not_cofac'));
      } else if (noRole) {
        showError(error, t('join.no_plan'));
      } else {
        showError(error, err.message);
        return;
      }
      const first = form.querySelector('input[name=role]');
      if (first) first.focus();
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const picked = facilitatorMode ? null : form.querySelector('input[name=role]:checked');
    submit(picked ? { role: picked.value } : {});
  });
  newbie.addEventListener('click', () => {
    const checked = form.querySelector('input[name=role]:checked');
    if (checked) checked.checked = false;
    submit({ newcomer: true });
  });
  return {
    destroy() {
      gone = true;
    },
  };
}

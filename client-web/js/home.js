// Home: create a drill from a built-in scenario, or join with a code.

import { h, fill, field, trAttr } from './dom.js';
import { t } from './i18n.js';
import { listScenarios, createDrill } from './api.js';
import { num } from './format.js';

/** What a facilitator does, in order (docs/facilitating.md, "At the start"). */
const STEPS = ['pick', 'create', 'share', 'plan', 'start', 'review'];

export function homeScreen({ main, resume, onCreated, onJoinCode }) {
  const scenarioBox = h('div', { class: 'scenario-list', id: 'scenario-list' }, h('p', { class: 'loading', i18n: 'common.loading' }));
  const name = h('input', { id: 'create-name', type: 'text', maxLength: 40, autocomplete: 'name', required: true });
  const bots = h('select', { id: 'create-bots' },
    ['off', 'good', 'perfect'].map((v) => h('option', { value: v, i18n: `home.bots_${v}` })));
  bots.value = 'off';
  const create = h('button', { type: 'submit', class: 'btn btn-primary btn-large', id: 'create-button', i18n: 'home.create' });
  const createError = h('p', { class: 'form-error', id: 'create-error', hidden: true, attrs: { role: 'alert' } });
  const createForm = h('form', { class: 'card', attrs: { 'aria-labelledby': 'create-title' } },
    h('h2', { id: 'create-title', i18n: 'home.create_title' }),
    h('p', { class: 'hint', i18n: 'home.create_hint' }),
    h('fieldset', { class: 'scenarios' }, h('legend', { i18n: 'home.scenario' }), scenarioBox),
    field('home.your_name', name, 'home.name_hint'),
    field('home.bots', bots, 'home.bots_hint'),
    createError,
    h('div', { class: 'actions' }, create));

  const code = h('input', { id: 'join-code', type: 'text', autocomplete: 'off', spellcheck: false, class: 'mono', required: true });
  const joinError = h('p', { class: 'form-error', hidden: true, attrs: { role: 'alert' } });
  const joinForm = h('form', { class: 'card', attrs: { 'aria-labelledby': 'join-title' } },
    h('h2', { id: 'join-title', i18n: 'home.join_title' }),
    h('p', { class: 'hint', i18n: 'home.join_hint' }),
    field('home.code', code),
    joinError,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn', id: 'join-code-button', i18n: 'home.join' })));

  // This tab still holds a seat: home is home, and the drill one link away.
  const back = resume ? h('p', { class: 'resume-note card', id: 'resume-note', attrs: { role: 'status' } },
    h('span', { i18n: 'home.resume' }), ' ',
    h('a', { href: resume, id: 'resume-link', i18n: 'home.resume_link' })) : null;
  fill(main, h('div', { class: 'home' },
    back,
    h('section', { class: 'intro' },
      h('h1', { i18n: 'home.title' }),
      h('p', { class: 'lead', i18n: 'home.lead' }),
      h('h2', { class: 'home-steps-title', id: 'home-steps-title', i18n: 'home.steps_title' }),
      h('ol', { class: 'home-steps', id: 'home-steps', attrs: { 'aria-labelledby': 'home-steps-title' } },
        STEPS.map((step) => h('li', { dataset: { step } },
          h('span', { class: 'home-step-title', i18n: `home.step_${step}` }), ' ',
          h('span', { class: 'home-step-detail', i18n: `home.step_${step}_detail` })))),
      h('p', { class: 'intro-links' }, h('a', { href: '#history', id: 'history-link', i18n: 'home.history' }))),
    h('div', { class: 'home-grid' }, createForm, joinForm)));
  main.classList.remove('main-drill');

  let scenarios = [];
  async function load() {
    fill(scenarioBox, h('p', { class: 'loading', i18n: 'common.loading' }));
    try {
      scenarios = await listScenarios();
    } catch (e) {
      const retry = h('button', { type: 'button', class: 'btn btn-small', i18n: 'common.retry' });
      retry.addEventListener('click', load);
      fill(scenarioBox, h('p', { class: 'form-error', text: e.message }), retry);
      return;
    }
    if (!Array.isArray(scenarios) || !scenarios.length) {
      fill(scenarioBox, h('p', { class: 'muted', i18n: 'home.no_scenarios' }));
      return;
    }
    fill(scenarioBox, scenarios.map((s, i) => {
      const id = `scenario-${i}`;
      const radio = h('input', { type: 'radio', name: 'scenario', id, value: s.id, checked: i === 0 });
      const meta = h('span', { class: 'scenario-meta', i18n: ['home.scenario_meta', { min: Math.round((s.duration_s || 0) / 60), stores: num(s.stores), lang: languageName(s.language) }] });
      return h('div', { class: 'scenario' }, radio,
        h('label', { htmlFor: id },
          h('span', { class: 'scenario-title', text: s.title, attrs: { lang: s.language } }),
          h('span', { class: 'scenario-summary', text: s.summary, attrs: { lang: s.language } }),
          meta));
    }));
  }
  load();

  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    createError.hidden = true;
    const picked = createForm.querySelector('input[name=scenario]:checked');
    if (!picked) {
      showError(createError, t('home.pick_scenario'));
      return;
    }
    if (!name.value.trim()) {
      showError(createError, t('common.name_required'));
      name.focus();
      return;
    }
    create.disabled = true;
    try {
      const res = await createDrill(picked.value, name.value.trim(), bots.value);
      onCreated(res);
    } catch (err) {
      showError(createError, err.message);
      create.disabled = false;
    }
  });

  joinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    let value = code.value.trim();
    let asFacilitator = false;
    const m = /#join=([^&\s]+)(\S*)/.exec(value);
    if (m) {
      value = decodeURIComponent(m[1]);
      asFacilitator = /[&]as=facilitator\b/.test(m[2]);
    }
    if (!value) {
      showError(joinError, t('home.code_required'));
      code.focus();
      return;
    }
    onJoinCode(value, asFacilitator);
  });

  trAttr(code, 'placeholder', 'home.code_placeholder');
  return { destroy() {} };
}

/** A scenario's language as a word in the interface's language ("en" -> "English"). */
function languageName(tag) {
  const base = String(tag || '').toLowerCase().split('-')[0];
  const key = `lang.${base}`;
  const name = t(key);
  return name === key ? tag : name;
}

export function showError(el, message) {
  el.textContent = message;
  el.hidden = false;
}

/**
 * A drill's address in a tab that holds no seat in it: how to take part,
 * and what anyone may read (its public status page, and its review once it
 * has ended).
 */
export function noSeatScreen({ main, id, own }) {
  const enc = encodeURIComponent(id);
  fill(main, h('div', { class: 'join' },
    h('section', { class: 'card join-card', id: 'no-seat', attrs: { 'aria-labelledby': 'no-seat-title' } },
      h('h1', { id: 'no-seat-title', i18n: 'noseat.title' }),
      h('p', { class: 'lead', i18n: 'noseat.lead' }),
      h('ul', { class: 'no-seat-links' },
        h('li', null, h('a', { href: `#status=${enc}`, id: 'no-seat-status', i18n: 'noseat.status' })),
        h('li', null, h('a', { href: `#review=${enc}`, id: 'no-seat-review', i18n: 'noseat.review' }))),
      h('div', { class: 'actions' },
        own ? h('a', { href: own, class: 'btn btn-primary', id: 'no-seat-own', i18n: 'noseat.own' }) : null,
        h('a', { href: '#', class: 'btn btn-ghost', id: 'no-seat-home', i18n: 'noseat.home' })))));
  main.classList.remove('main-drill');
  return { destroy() {} };
}

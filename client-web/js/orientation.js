// The newcomer's one-screen orientation for support, shown once after
// joining through "I'm new" and before the drill itself.

import { h, fill } from './dom.js';

export function orientationScreen({ main, name, onEnter }) {
  const enter = h('button', { type: 'button', class: 'btn btn-primary btn-large', id: 'orientation-enter', i18n: 'orient.enter' });
  enter.addEventListener('click', onEnter);
  const item = (n, titleKey, bodyKey) => h('li', { class: 'orient-item' },
    h('span', { class: 'orient-num', text: String(n), attrs: { 'aria-hidden': 'true' } }),
    h('div', null, h('h2', { class: 'orient-title', i18n: titleKey }), h('p', { i18n: bodyKey })));
  fill(main, h('div', { class: 'join' },
    h('section', { class: 'card orient-card', id: 'orientation', attrs: { 'aria-labelledby': 'orient-heading' } },
      h('p', { class: 'orient-kicker' },
        h('span', { class: 'pill phase-monitoring', i18n: 'role.support_agent' }), ' ',
        h('span', { class: 'muted', text: name })),
      h('h1', { id: 'orient-heading', i18n: 'orient.title' }),
      h('p', { class: 'lead', i18n: 'orient.lead' }),
      h('ol', { class: 'orient-list' },
        item(1, 'orient.job_title', 'orient.job'),
        item(2, 'orient.script_title', 'orient.script'),
        item(3, 'orient.calls_title', 'orient.calls')),
      h('p', { class: 'orient-tip', i18n: 'orient.tip' }),
      h('div', { class: 'actions' }, enter))));
  main.classList.remove('main-drill');
  enter.focus();
  return { destroy() {} };
}

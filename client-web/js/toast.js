// Toasts: short messages (mostly server errors) in a live region.

import { h } from './dom.js';
import { t } from './i18n.js';

const SHOW_MS = 7000;

function region() {
  let r = document.getElementById('toasts');
  if (!r) {
    r = h('div', { id: 'toasts', class: 'toasts', attrs: { 'aria-live': 'assertive', 'aria-atomic': 'false' } });
    document.body.appendChild(r);
  }
  return r;
}

/** Shows text (plain) as a toast. kind: 'error' | 'info'. */
export function toast(text, kind = 'error') {
  const close = h('button', { type: 'button', class: 'toast-close', text: '×', attrs: { 'aria-label': t('common.dismiss') } });
  const el = h('div', { class: ['toast', `toast-${kind}`], attrs: { role: kind === 'error' ? 'alert' : 'status' } },
    h('span', { class: 'toast-text', text }), close);
  const remove = () => el.remove();
  close.addEventListener('click', remove);
  region().appendChild(el);
  setTimeout(remove, SHOW_MS);
  // Keep the list short.
  const r = region();
  while (r.children.length > 4) r.firstChild.remove();
  return el;
}

// Tiny DOM helpers. Every node is built with createElement and every piece
// of text goes through textContent or a text node, so data from the server
// or from other players can never become markup.

import { t } from './i18n.js';

/**
 * Creates an element.
 * props: class, text, i18n (a string key, or [key, vars]), attrs (object),
 * on (object of event handlers), dataset (object), and any other key is set
 * as a DOM property (id, type, value, disabled, htmlFor, ...).
 * children: nodes, strings (become text nodes), arrays, null/false (skipped).
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      switch (key) {
        case 'class':
          el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
          break;
        case 'text':
          el.textContent = String(value);
          break;
        case 'i18n':
          tr(el, value);
          break;
        case 'attrs':
          for (const [k, v] of Object.entries(value)) {
            if (v === false || v === null || v === undefined) continue;
            el.setAttribute(k, v === true ? '' : String(v));
          }
          break;
        case 'on':
          for (const [k, v] of Object.entries(value)) el.addEventListener(k, v);
          break;
        case 'dataset':
          for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
          break;
        default:
          el[key] = value;
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces all children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * Gives el a translated text that follows language switches.
 * spec is a key or [key, vars].
 */
export function tr(el, spec) {
  const [key, vars] = Array.isArray(spec) ? spec : [spec, undefined];
  el.dataset.i18n = key;
  if (vars) el.dataset.i18nVars = JSON.stringify(vars);
  else delete el.dataset.i18nVars;
  el.textContent = t(key, vars);
  return el;
}

/** Gives el a translated attribute (placeholder, aria-label, title). */
export function trAttr(el, attr, key) {
  el.dataset[`i18nAttr${attr.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`] = key;
  el.setAttribute(attr, t(key));
  return el;
}

/** Re-applies every translated text and attribute under root. */
export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const vars = el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : undefined;
    el.textContent = t(el.dataset.i18n, vars);
  }
  for (const el of root.querySelectorAll('*')) {
    for (const [k, key] of Object.entries(el.dataset)) {
      if (!k.startsWith('i18nAttr')) continue;
      const attr = k.slice('i18nAttr'.length).replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase());
      el.setAttribute(attr, t(key));
    }
  }
}

/** A labelled field: <label for=id>text</label> + control. */
export function field(labelKey, control, hintKey) {
  const label = h('label', { htmlFor: control.id, i18n: labelKey });
  const hint = hintKey ? h('p', { class: 'hint', id: `${control.id}-hint`, i18n: hintKey }) : null;
  if (hint) control.setAttribute('aria-describedby', hint.id);
  return h('div', { class: 'field' }, label, control, hint);
}

/**
 * A metric tile (label over value) for the metrics bar; `set` changes the
 * value and marks it bad or not. `id` (optional) names the value element.
 */
export function metricTile(key, id, defKey) {
  const value = h('span', { class: 'metric-value', id, text: '—' });
  const detail = h('span', { class: 'metric-detail', id: id ? `${id}-detail` : undefined, hidden: true });
  const label = h('span', { class: 'metric-label', i18n: key });
  const el = h('div', { class: 'metric' }, h('span', { class: 'metric-name' }, label, detail), value);
  // The figure's definition, for the pointer and for screen readers.
  if (defKey) trAttr(el, 'title', defKey);
  return {
    el,
    /** text: the value; bad: drawn as a problem; extra: a short line under the label (or none). */
    set(text, bad, extra) {
      value.textContent = text;
      el.classList.toggle('bad', !!bad);
      detail.hidden = !extra;
      detail.textContent = extra || '';
    },
    /** Changes the definition shown on hover. */
    define(key2) {
      trAttr(el, 'title', key2);
    },
  };
}

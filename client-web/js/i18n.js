// The interface's language and its strings, which live in one file per
// language: i18n/en.js and i18n/ja.js. Scenario texts (titles, summaries,
// labels, root causes) are shown as written and never pass through here.
//
// t('key', {name: 'x'}) replaces {name} in the string. The language comes
// from the switch in the header (kept in localStorage), else from
// navigator.language.

import en from './i18n/en.js';
import ja from './i18n/ja.js';

export const LANGS = [
  ['ja', '日本語'],
  ['en', 'English'],
];

const STRINGS = { en, ja };

const STORAGE_KEY = 'firedrill.lang';
let lang = 'en';

function pick(candidate) {
  if (!candidate) return null;
  const base = String(candidate).toLowerCase().split('-')[0];
  return STRINGS[base] ? base : null;
}

/** Picks the language: saved choice, else the browser's, else English. */
export function initLang() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    /* storage disabled */
  }
  lang = pick(saved) || pick(navigator.language) || (navigator.languages || []).map(pick).find(Boolean) || 'en';
  document.documentElement.lang = lang;
  return lang;
}

export function setLang(next) {
  lang = pick(next) || 'en';
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* storage disabled */
  }
}

export function getLang() {
  return lang;
}

/** The string for key in the current language, with {vars} filled in. */
export function t(key, vars) {
  let s = STRINGS[lang][key];
  if (s === undefined) s = STRINGS.en[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : String(vars[name])));
  return s;
}

/**
 * A server error as shown to the user, as a sentence in the interface's
 * language: the translation of its code. For the codes whose message says
 * what to change, the (English) message is shown too: as the sentence in
 * English, after the translation in Japanese.
 */
export function serverError(code, message) {
  const key = `errcode.${code}`;
  const known = STRINGS.en[key] !== undefined;
  if (!known) return message ? sentence(message) : t('error.unknown');
  if (!message || !DETAILED.has(code)) return t(key);
  return lang === 'en' ? sentence(message) : `${t(key)}（${message}）`;
}

/**
 * Codes whose server message says what to change (which value, which role,
 * which limit: `full` is a whole server, a drill, a list, or a seat that
 * sent too much too fast).
 */
const DETAILED = new Set(['invalid_value', 'bad_message', 'forbidden', 'wrong_state', 'full']);

/** The server's lower-case message as a sentence: capital first, full stop last. */
function sentence(message) {
  const s = String(message).trim();
  if (!s) return s;
  const first = s[0].toUpperCase() + s.slice(1);
  return /[.!?。]$/.test(first) ? first : `${first}.`;
}

/** For tests: every key of every language. */
export function keys(language) {
  return Object.keys(STRINGS[language] || {});
}

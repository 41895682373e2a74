// Unit test (Node, no browser): every interface string the client uses
// exists in English and in Japanese. The keys are read from the client's
// source: string literals of the form 'namespace.key' whose namespace is
// one the string tables use, and the fixed start of keys built from a
// template (`role.${role}`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = path.resolve(HERE, '../../client-web/js');
const en = (await import(path.join(CLIENT, 'i18n/en.js'))).default;
const ja = (await import(path.join(CLIENT, 'i18n/ja.js'))).default;

/** Every client module but the string tables, as [file, source]. */
function sources(dir = CLIENT) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === path.join(CLIENT, 'i18n') ? [] : sources(p);
    return e.name.endsWith('.js') ? [[path.relative(CLIENT, p), fs.readFileSync(p, 'utf8')]] : [];
  });
}

const namespaces = new Set(Object.keys(en).map((k) => k.split('.')[0]));

function used() {
  const keys = new Map();
  const prefixes = new Map();
  for (const [file, src] of sources()) {
    for (const m of src.matchAll(/'([a-z][a-z0-9_]*\.[a-z0-9_.]*[a-z0-9_])'/g)) {
      if (namespaces.has(m[1].split('.')[0])) keys.set(m[1], file);
    }
    for (const m of src.matchAll(/`([a-z][a-z0-9_]*\.[a-z0-9_.]*)\$\{/g)) {
      if (namespaces.has(m[1].split('.')[0])) prefixes.set(m[1], file);
    }
  }
  return { keys, prefixes };
}

test('every key used in the client exists in English and in Japanese', () => {
  const { keys, prefixes } = used();
  assert.ok(keys.size > 500, `the scan finds the client's keys (${keys.size})`);
  const missing = (table) => [...keys].filter(([k]) => !(k in table)).map(([k, f]) => `${k} (${f})`);
  assert.deepEqual(missing(en), [], 'missing in English');
  assert.deepEqual(missing(ja), [], 'missing in Japanese');
  // Keys built from a template: some key of each start exists in both.
  for (const [prefix, file] of prefixes) {
    assert.ok(Object.keys(en).some((k) => k.startsWith(prefix)), `${prefix}… (${file}) in English`);
    assert.ok(Object.keys(ja).some((k) => k.startsWith(prefix)), `${prefix}… (${file}) in Japanese`);
  }
});

test('English and Japanese have the same keys, and no string is empty', () => {
  assert.deepEqual(Object.keys(en).filter((k) => !(k in ja)), [], 'missing in Japanese');
  assert.deepEqual(Object.keys(ja).filter((k) => !(k in en)), [], 'missing in English');
  for (const [lang, table] of [['en', en], ['ja', ja]]) {
    for (const [k, v] of Object.entries(table)) assert.ok(typeof v === 'string' && v.trim(), `${lang} ${k}`);
  }
});

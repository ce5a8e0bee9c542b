import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

/** The web app is fully translated: every English key has a French one and vice versa, none empty. */
const dir = path.resolve(import.meta.dirname, '../../web/src/i18n');

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj === 'string') {
    assert.ok(obj.trim().length > 0, `${prefix} is empty`);
    return [prefix];
  }
  assert.ok(obj && typeof obj === 'object', `${prefix} is not a string or an object`);
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

const pairs = fs.readdirSync(dir).filter((f) => f.endsWith('en.json')).map((en) => [en, en.replace(/en\.json$/, 'fr.json')] as const);

test('there are translation files to check', () => {
  assert.ok(pairs.length >= 1);
});

for (const [en, fr] of pairs) {
  test(`${en} and ${fr} have the same keys, none empty`, () => {
    assert.ok(fs.existsSync(path.join(dir, fr)), `${fr} is missing`);
    const enKeys = keys(JSON.parse(fs.readFileSync(path.join(dir, en), 'utf8'))).sort();
    const frKeys = keys(JSON.parse(fs.readFileSync(path.join(dir, fr), 'utf8'))).sort();
    assert.deepEqual(frKeys.filter((k) => !enKeys.includes(k)), [], `keys only in ${fr}`);
    assert.deepEqual(enKeys.filter((k) => !frKeys.includes(k)), [], `keys only in ${en}`);
  });
}

test('every API error code has a message in English and French', async () => {
  const { STATUS } = await import('../../src/platform/errors.ts');
  for (const lang of ['en', 'fr']) {
    const errors = (JSON.parse(fs.readFileSync(path.join(dir, `${lang}.json`), 'utf8')) as { errors: Record<string, string> }).errors;
    const missing = Object.keys(STATUS).filter((code) => !errors[code]);
    assert.deepEqual(missing, [], `${lang}.json errors.* is missing these codes`);
  }
});

test('every API error code is documented in docs/errors.md, with its status', async () => {
  const { STATUS } = await import('../../src/platform/errors.ts');
  const doc = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
  const undocumented = Object.entries(STATUS).filter(([code, status]) => !rows.some((r) => r.includes(`\`${code}\``) && r.includes(`| ${status} |`)));
  assert.deepEqual(undocumented, [], 'docs/errors.md lacks these codes (or gives another status)');
});

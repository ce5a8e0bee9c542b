import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNlpCli } from './insights.cli.ts';

async function run(argv: string[], input: string): Promise<{ code: number; out: string }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const code = await runNlpCli(argv, Readable.from([input]), out);
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

const lines = (s: string): string[] => s.replace(/\n$/, '').split('\n');

describe('passerelle nlp', () => {
  const input = ['Je suis très déçu, colis jamais reçu', '', 'I love it, thank you so much!', '😡', '   ', 'Vous livrez en Belgique ?'].join('\n') + '\n';

  it('writes one label per input line, in order, blank lines included', async () => {
    for (const task of ['language', 'sentiment', 'toxicity', 'intent']) {
      const { code, out } = await run([task], input);
      assert.equal(code, 0);
      assert.equal(lines(out).length, 6, `${task}: ${out}`);
    }
  });

  it('labels with the documented vocabularies', async () => {
    assert.deepEqual(lines((await run(['language'], input)).out), ['fr', 'und', 'en', 'und', 'und', 'fr']);
    const sent = lines((await run(['sentiment', '--lang', 'auto'], input)).out);
    assert.equal(sent[0], 'negative');
    assert.equal(sent[1], 'neutral');
    assert.equal(sent[2], 'positive');
    assert.ok(sent.every((l) => ['negative', 'neutral', 'positive'].includes(l)));
    const tox = lines((await run(['toxicity', '--lang', 'fr'], 'ta gueule connard\nbonne journée à tous\n')).out);
    assert.deepEqual(tox, ['toxic', 'ok']);
    const intents = lines((await run(['intent', '--lang=fr'], input)).out);
    assert.equal(intents[1], 'other');
    assert.ok(intents[5]?.split(',').includes('question'));
    for (const l of intents) for (const x of l.split(',')) assert.ok(['question', 'complaint', 'suggestion', 'praise', 'purchase-intent', 'other'].includes(x));
  });

  it('keeps the last line without a trailing newline, and CRLF input', async () => {
    assert.equal(lines((await run(['sentiment', '--lang', 'en'], 'good\r\nbad\r\nok')).out).length, 3);
  });

  it('rejects bad arguments with exit code 2', async () => {
    assert.equal((await run([], '')).code, 2);
    assert.equal((await run(['sentiment', '--lang', 'xx'], '')).code, 2);
    assert.equal((await run(['emotion'], '')).code, 2);
  });

  it('runs as a process and streams thousands of lines with the same count', () => {
    const main = join(fileURLToPath(new URL('.', import.meta.url)), 'nlp-cli-main.ts');
    const texts = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? '' : `message numéro ${i} : super service, merci !`)).join('\n');
    const r = spawnSync(process.execPath, [main, 'sentiment', '--lang', 'fr'], { input: texts, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(lines(r.stdout).length, 5000);
  });
});

/**
 * `passerelle nlp <language|sentiment|toxicity|intent> [--lang fr|en|auto]`: one text per input
 * line, one label per output line, same order and count. Blank line → `und` (language),
 * `neutral` (sentiment), `ok` (toxicity), `other` (intent). Lines longer than the models read are
 * decided on their opening (see MAX_CHARS).
 */
import { createInterface } from 'node:readline';
import { intentSync, sentimentSync, toxicitySync } from './insights.classify.ts';
import { detectLanguageSync, loadLanguageDetector } from './language.detect.ts';
import type { LanguageHint } from './insights.types.ts';

const TASKS = ['language', 'sentiment', 'toxicity', 'intent'] as const;
type Task = (typeof TASKS)[number];
const LANGS = ['fr', 'en', 'auto'] as const;

export const NLP_USAGE = 'usage: passerelle nlp <language|sentiment|toxicity|intent> [--lang fr|en|auto] < texts.txt > labels.txt';

interface Parsed {
  task: Task;
  lang: LanguageHint;
}

export function parseNlpArgs(argv: string[]): Parsed | string {
  let task: Task | undefined;
  let lang: LanguageHint = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--lang' || a.startsWith('--lang=')) {
      const v = a === '--lang' ? argv[++i] : a.slice('--lang='.length);
      if (v === undefined || !(LANGS as readonly string[]).includes(v)) return `invalid --lang "${v ?? ''}": expected fr, en or auto`;
      lang = v as LanguageHint;
    } else if ((TASKS as readonly string[]).includes(a) && task === undefined) task = a as Task;
    else return `unexpected argument "${a}"`;
  }
  if (task === undefined) return 'missing task';
  return { task, lang };
}

/** Label for one line. */
export function labelLine(task: Task, line: string, lang: LanguageHint): string {
  const opts = { explain: false };
  switch (task) {
    case 'language':
      return lang === 'auto' ? detectLanguageSync(line).lang : line.trim() === '' ? 'und' : lang;
    case 'sentiment':
      return sentimentSync(line, lang, opts).label;
    case 'toxicity':
      return toxicitySync(line, lang, opts).toxic ? 'toxic' : 'ok';
    case 'intent':
      return intentSync(line, lang, opts).labels.join(',');
  }
}

/**
 * Run the `nlp` command: argv is what follows `nlp`. Returns the exit code (0 ok, 2 bad arguments,
 * 1 runtime failure). Output is written in blocks so a million lines stream without buffering all.
 */
export async function runNlpCli(argv: string[], input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.write(NLP_USAGE + '\n');
    return 0;
  }
  const parsed = parseNlpArgs(argv);
  if (typeof parsed === 'string') {
    process.stderr.write(`passerelle nlp: ${parsed}\n${NLP_USAGE}\n`);
    return 2;
  }
  try {
    if (parsed.lang === 'auto') await loadLanguageDetector();
    const rl = createInterface({ input, crlfDelay: Infinity });
    let buf: string[] = [];
    for await (const raw of rl) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      buf.push(labelLine(parsed.task, line, parsed.lang));
      if (buf.length >= 1000) {
        if (!output.write(buf.join('\n') + '\n')) await new Promise((r) => output.once('drain', r));
        buf = [];
      }
    }
    if (buf.length > 0) output.write(buf.join('\n') + '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`passerelle nlp: ${(e as Error).message}\n`);
    return 1;
  }
}

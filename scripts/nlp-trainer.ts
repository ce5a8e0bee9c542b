/**
 * Plain-TypeScript training for the hashed linear models: logistic regression (softmax or one
 * sigmoid per label) by AdaGrad SGD with L2, seeded shuffling, so the same data and seed give the
 * same weights bit for bit. Also the macro-F1 helpers used by training and eval.
 */
import { type FeatureConfig, type SparseVector, extractFeatures } from '../src/modules/insights/features.hashing.ts';
import type { LinearMember } from '../src/modules/insights/model.linear.ts';
import { type NetworkMember, networkHidden } from '../src/modules/insights/model.network.ts';

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

/**
 * NB-SVM-style log-count ratios (Wang & Manning 2012) for a binary target: r[b] = log of how much more
 * often bucket b occurs in positive than in negative examples (add-`alpha` smoothed, L1-normalised).
 * Training on x ⊙ r and then storing w ⊙ r gives the same scores on raw x, so inference is unchanged.
 */
export function logCountRatios(X: SparseVector[], targets: (number | number[])[], buckets: number, alpha: number): Float32Array {
  const p = new Float64Array(buckets).fill(alpha);
  const q = new Float64Array(buckets).fill(alpha);
  for (let i = 0; i < X.length; i++) {
    const t = targets[i];
    const y = Array.isArray(t) ? t[0] : t;
    if (y !== 0 && y !== 1) continue;
    const x = X[i] as SparseVector;
    const acc = y === 1 ? p : q;
    for (let j = 0; j < x.length; j++) acc[x.index[j] as number] = (acc[x.index[j] as number] as number) + 1;
  }
  let sp = 0;
  let sq = 0;
  for (let b = 0; b < buckets; b++) (sp += p[b] as number), (sq += q[b] as number);
  const r = new Float32Array(buckets);
  for (let b = 0; b < buckets; b++) r[b] = Math.log((p[b] as number) / sp) - Math.log((q[b] as number) / sq);
  return r;
}

/** A copy of the vectors with each value multiplied by r[bucket]. */
export function scaleFeatures(X: SparseVector[], r: Float32Array): SparseVector[] {
  return X.map((x) => {
    const value = new Float32Array(x.length);
    for (let j = 0; j < x.length; j++) value[j] = (x.value[j] as number) * (r[x.index[j] as number] as number);
    return { index: x.index, value, length: x.length };
  });
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

export interface NetworkOptions extends TrainOptions {
  dim: number;
  activation: 'tanh' | 'linear';
}

/**
 * Train a fastText-style network member (model.network.ts) by AdaGrad SGD: embeddings start at zero
 * (unseen buckets stay zero), the output layer from seeded uniform noise. Sparse updates: only the
 * embedding rows of the example's features move. Same data + seed → same weights bit for bit.
 */
export function trainNetwork(
  X: SparseVector[],
  targets: (number | number[])[],
  sampleWeights: number[],
  features: FeatureConfig,
  o: NetworkOptions,
): NetworkMember {
  const K = o.outputs;
  const D = o.dim;
  const buckets = 1 << features.bits;
  const E = new Float32Array(buckets * D);
  const gE = new Float32Array(buckets * D).fill(1e-6);
  const hb = new Float32Array(D);
  const ghb = new Float32Array(D).fill(1e-6);
  const W = new Float32Array(K * D);
  const gW = new Float32Array(K * D).fill(1e-6);
  const bias = new Float32Array(K);
  const gb = new Float32Array(K).fill(1e-6);
  const rnd = prng(o.seed * 7919 + 17);
  const r = Math.sqrt(6 / (D + K));
  for (let i = 0; i < W.length; i++) W[i] = (rnd() * 2 - 1) * r;
  const member: NetworkMember = {
    type: 'network',
    features,
    dim: D,
    activation: o.activation,
    embeddings: E,
    embeddingScale: new Float32Array(D).fill(1),
    hiddenBias: hb,
    out: W,
    bias,
  };
  const order = X.map((_, i) => i);
  const h = new Float32Array(D);
  const z = new Float64Array(K);
  const grad = new Float64Array(K);
  const dh = new Float64Array(D);
  const step = (p: Float32Array, g2: Float32Array, i: number, g: number): void => {
    g2[i] = (g2[i] as number) + g * g;
    p[i] = (p[i] as number) - (o.lr * g) / Math.sqrt(g2[i] as number);
  };
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffleInPlace(order, rnd);
    for (const i of order) {
      const x = X[i] as SparseVector;
      const t = targets[i] as number | number[];
      const sw = sampleWeights[i] as number;
      networkHidden(member, x, h);
      for (let k = 0; k < K; k++) {
        let s = bias[k] as number;
        for (let d = 0; d < D; d++) s += (W[k * D + d] as number) * (h[d] as number);
        z[k] = s;
      }
      let any = false;
      if (o.kind === 'softmax') {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, z[k] as number);
        let s = 0;
        for (let k = 0; k < K; k++) {
          grad[k] = Math.exp((z[k] as number) - max);
          s += grad[k] as number;
        }
        for (let k = 0; k < K; k++) grad[k] = ((grad[k] as number) / s - (k === t ? 1 : 0)) * sw;
        any = true;
      } else {
        const tv = t as number[];
        for (let k = 0; k < K; k++) {
          const y = tv[k] as number;
          grad[k] = y < 0 ? 0 : (1 / (1 + Math.exp(-(z[k] as number))) - y) * sw;
          if (grad[k] !== 0) any = true;
        }
      }
      if (!any) continue;
      // back-propagate to the hidden layer before the output layer moves
      for (let d = 0; d < D; d++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += (grad[k] as number) * (W[k * D + d] as number);
        const a = h[d] as number;
        dh[d] = o.activation === 'tanh' ? s * (1 - a * a) : s;
      }
      for (let k = 0; k < K; k++) {
        const g = grad[k] as number;
        if (g === 0) continue;
        step(bias, gb, k, g);
        for (let d = 0; d < D; d++) step(W, gW, k * D + d, g * (h[d] as number) + o.l2 * (W[k * D + d] as number));
      }
      for (let d = 0; d < D; d++) step(hb, ghb, d, dh[d] as number);
      for (let j = 0; j < x.length; j++) {
        const base = (x.index[j] as number) * D;
        const v = x.value[j] as number;
        for (let d = 0; d < D; d++) step(E, gE, base + d, v * (dh[d] as number) + o.l2 * (E[base + d] as number));
      }
    }
  }
  return member;
}

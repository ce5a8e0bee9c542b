/**
 * Linear models over hashed features, optionally an ensemble of members with different feature
 * views (their logits are averaged). Stored as gzip(magic, JSON header, int8 weights) so a model is
 * a few hundred KB and loads in milliseconds.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { type FeatureConfig, type SparseVector, extractFeatures } from './features.hashing.ts';
import type { Driver } from './insights.types.ts';
import { type NetworkMember, type StoredNetworkMember, addNetworkLogits, decodeNetwork, encodeNetwork } from './model.network.ts';

export type { NetworkMember } from './model.network.ts';

export interface LinearMember {
  type?: 'linear';
  features: FeatureConfig;
  /** buckets × outputs, row-major by bucket: float while training, int8 once loaded (no decoding pass). */
  weights: Float32Array | Int8Array;
  /** per-output multiplier of `weights` when they are int8; absent = 1. */
  scale?: Float32Array;
  bias: Float32Array;
}

export interface LinearModel {
  task: string;
  lang: string;
  /** softmax: one label among `labels`; sigmoid: independent yes/no per label. */
  kind: 'softmax' | 'sigmoid';
  labels: string[];
  /** Averaged members: linear models and/or small networks (model.network.ts). */
  members: Member[];
  /** sigmoid: decision threshold per label (tuned on val). */
  thresholds: number[];
  /** softmax: additive logit offsets per label (tuned on val for macro-F1). */
  offsets: number[];
  /** provenance: data files, seed, hyper-parameters, val scores. */
  meta: Record<string, unknown>;
}

export type Member = LinearMember | NetworkMember;

const MAGIC = 'PSLM1';

const isNetwork = (m: Member): m is NetworkMember => m.type === 'network';

/** Raw output scores (averaged logits incl. offsets) for one text. */
export function logits(model: LinearModel, text: string): Float32Array {
  const K = model.labels.length;
  const out = new Float32Array(K);
  for (const m of model.members) {
    const x = extractFeatures(text, m.features, { reuse: true });
    if (isNetwork(m)) addNetworkLogits(m, x, K, out);
    else addMemberLogits(m, x, K, out);
  }
  const inv = 1 / model.members.length;
  for (let k = 0; k < K; k++) out[k] = (out[k] as number) * inv + (model.offsets[k] ?? 0);
  return out;
}

/** Adds a linear member's logits for `x` to `out`. */
export function addMemberLogits(m: LinearMember, x: SparseVector, K: number, out: Float32Array): void {
  const w = m.weights;
  if (acc.length < K) acc = new Float64Array(K);
  for (let k = 0; k < K; k++) acc[k] = 0;
  for (let i = 0; i < x.length; i++) {
    const base = (x.index[i] as number) * K;
    const v = x.value[i] as number;
    for (let k = 0; k < K; k++) acc[k] = (acc[k] as number) + v * (w[base + k] as number);
  }
  const sc = m.scale;
  for (let k = 0; k < K; k++) out[k] = (out[k] as number) + (m.bias[k] as number) + (acc[k] as number) * (sc ? (sc[k] as number) : 1);
}

let acc = new Float64Array(8);

/** Probabilities: softmax over labels, or a sigmoid per label. */
export function probabilities(model: LinearModel, z: Float32Array): number[] {
  if (model.kind === 'sigmoid') return Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  const e = Array.from(z, (v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * The tokens (or bigram phrases) that pushed output `k` up the most. For softmax the push is
 * measured against the mean of the other labels, for sigmoid against zero.
 */
export function explain(model: LinearModel, text: string, k: number, top = 5): Driver[] {
  const K = model.labels.length;
  const byFeature = new Map<string, number>();
  // Drivers are read from the linear members (a network's contributions are not additive per token).
  const linear = model.members.filter((m): m is LinearMember => !isNetwork(m));
  for (const m of linear) {
    const x = extractFeatures(text, m.features, { explain: true });
    const tokens = x.tokens ?? [];
    const sc = (j: number): number => (m.scale ? (m.scale[j] as number) : 1);
    for (let i = 0; i < x.length; i++) {
      const base = (x.index[i] as number) * K;
      let w = (m.weights[base + k] as number) * sc(k);
      if (model.kind === 'softmax' && K > 1) {
        let others = 0;
        for (let j = 0; j < K; j++) if (j !== k) others += (m.weights[base + j] as number) * sc(j);
        w -= others / (K - 1);
      }
      const s = x.source?.[i] ?? 0;
      const name = s >= 0 ? tokens[s] : `${tokens[-s - 1] ?? ''} ${tokens[-s] ?? ''}`;
      if (name === undefined) continue;
      byFeature.set(name, (byFeature.get(name) ?? 0) + (w * (x.value[i] as number)) / linear.length);
    }
  }
  return [...byFeature.entries()]
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([feature, weight]) => ({ feature, weight: Math.round(weight * 1000) / 1000 }));
}

/** Serialise with int8 weights (one scale per member and label) and gzip. */
export function encodeModel(model: LinearModel): Buffer {
  const K = model.labels.length;
  const bodies: Buffer[] = [];
  const members = model.members.map((m): StoredMember => {
    if (isNetwork(m)) {
      const { header, body } = encodeNetwork(m);
      bodies.push(body);
      return header;
    }
    const scale = new Array<number>(K).fill(0);
    const w = (i: number): number => (m.weights[i] as number) * (m.scale ? (m.scale[i % K] as number) : 1);
    for (let i = 0; i < m.weights.length; i++) {
      const k = i % K;
      scale[k] = Math.max(scale[k] as number, Math.abs(w(i)));
    }
    for (let k = 0; k < K; k++) scale[k] = (scale[k] as number) / 127 || 1;
    const q = new Int8Array(m.weights.length);
    for (let i = 0; i < q.length; i++) q[i] = Math.round(w(i) / (scale[i % K] as number));
    bodies.push(Buffer.from(q.buffer, q.byteOffset, q.byteLength));
    return { features: m.features, bias: Array.from(m.bias), scale, size: q.length };
  });
  const header = {
    task: model.task,
    lang: model.lang,
    kind: model.kind,
    labels: model.labels,
    thresholds: model.thresholds,
    offsets: model.offsets,
    meta: model.meta,
    members,
  };
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  return gzipSync(Buffer.concat([Buffer.from(MAGIC), len, h, ...bodies]), { level: 9 });
}

interface StoredHeader {
  task: string;
  lang: string;
  kind: 'softmax' | 'sigmoid';
  labels: string[];
  thresholds: number[];
  offsets: number[];
  meta: Record<string, unknown>;
  members: StoredMember[];
}

type StoredMember = { type?: 'linear'; features: FeatureConfig; bias: number[]; scale: number[]; size: number } | StoredNetworkMember;

/** Inverse of encodeModel; throws on a file that is not a model. */
export function decodeModel(file: Uint8Array): LinearModel {
  const buf = gunzipSync(file);
  if (buf.subarray(0, MAGIC.length).toString() !== MAGIC) throw new Error('not a Passerelle model file');
  const hlen = buf.readUInt32LE(MAGIC.length);
  let off = MAGIC.length + 4;
  const header = JSON.parse(buf.subarray(off, off + hlen).toString('utf8')) as StoredHeader;
  off += hlen;
  const members: Member[] = header.members.map((m) => {
    const q = new Int8Array(buf.buffer, buf.byteOffset + off, m.size);
    off += m.size;
    if (m.type === 'network') return decodeNetwork(m, q);
    // int8 weights are used as stored; the per-label scale is applied to the summed logit
    return { features: m.features, weights: q, scale: Float32Array.from(m.scale), bias: Float32Array.from(m.bias) };
  });
  return {
    task: header.task,
    lang: header.lang,
    kind: header.kind,
    labels: header.labels,
    members,
    thresholds: header.thresholds,
    offsets: header.offsets,
    meta: header.meta,
  };
}

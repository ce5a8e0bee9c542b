/**
 * A small fastText-style network over the same hashed features as the linear models: an embedding
 * bag (each hashed word / char n-gram bucket has a `dim`-vector; the text is their weighted sum, the
 * weights being the unit-normalised feature values), an optional tanh layer, then one output layer
 * (softmax or one sigmoid per label). It learns which n-grams behave alike, so it generalises a little
 * differently from the linear model; ensembles of the two average their logits.
 *
 * Embedding rows of buckets never seen in training stay exactly zero (training starts from zero
 * embeddings), so an unseen n-gram contributes nothing and the stored int8 table gzips well.
 */
import type { FeatureConfig, SparseVector } from './features.hashing.ts';

export interface NetworkMember {
  type: 'network';
  features: FeatureConfig;
  dim: number;
  /** `tanh`: h = tanh(Eᵀx + b); `linear`: h = Eᵀx + b (plain fastText). */
  activation: 'tanh' | 'linear';
  /**
   * buckets × dim, row-major by bucket: float while training, int8 once loaded (used as stored, no
   * decoding pass, so loading stays fast and the table takes 1 byte per weight in memory).
   */
  embeddings: Float32Array | Int8Array;
  /** per-dimension multiplier of `embeddings` (all 1 while training). */
  embeddingScale: Float32Array;
  hiddenBias: Float32Array;
  /** outputs × dim, row-major by output. */
  out: Float32Array;
  bias: Float32Array;
}

// Scratch buffer for the hidden layer (single-threaded), grown on demand.
let hidden = new Float32Array(64);

/** Hidden activations of one sparse input (written into `h`, length `dim`). */
export function networkHidden(m: NetworkMember, x: SparseVector, h: Float32Array): void {
  const D = m.dim;
  const E = m.embeddings;
  for (let d = 0; d < D; d++) h[d] = 0;
  for (let i = 0; i < x.length; i++) {
    const base = (x.index[i] as number) * D;
    const v = x.value[i] as number;
    for (let d = 0; d < D; d++) h[d] = (h[d] as number) + v * (E[base + d] as number);
  }
  const sc = m.embeddingScale;
  for (let d = 0; d < D; d++) h[d] = (h[d] as number) * (sc[d] as number) + (m.hiddenBias[d] as number);
  if (m.activation === 'tanh') for (let d = 0; d < D; d++) h[d] = Math.tanh(h[d] as number);
}

/** Adds the member's logits for `x` to `out` (length = number of outputs). */
export function addNetworkLogits(m: NetworkMember, x: SparseVector, K: number, out: Float32Array): void {
  const D = m.dim;
  if (hidden.length < D) hidden = new Float32Array(D);
  const h = hidden;
  networkHidden(m, x, h);
  for (let k = 0; k < K; k++) {
    let z = m.bias[k] as number;
    const base = k * D;
    for (let d = 0; d < D; d++) z += (m.out[base + d] as number) * (h[d] as number);
    out[k] = (out[k] as number) + z;
  }
}

/** Stored form: embeddings as int8 with one scale per dimension; the small layers as JSON numbers. */
export interface StoredNetworkMember {
  type: 'network';
  features: FeatureConfig;
  dim: number;
  activation: 'tanh' | 'linear';
  hiddenBias: number[];
  out: number[];
  bias: number[];
  scale: number[];
  size: number;
}

/** Quantise a network member: returns its JSON header part and the int8 body. */
export function encodeNetwork(m: NetworkMember): { header: StoredNetworkMember; body: Buffer } {
  const D = m.dim;
  const scale = new Array<number>(D).fill(0);
  const E = m.embeddings;
  const sc = m.embeddingScale;
  for (let i = 0; i < E.length; i++) scale[i % D] = Math.max(scale[i % D] as number, Math.abs((E[i] as number) * (sc[i % D] as number)));
  for (let d = 0; d < D; d++) scale[d] = (scale[d] as number) / 127 || 1;
  const q = new Int8Array(E.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.round(((E[i] as number) * (sc[i % D] as number)) / (scale[i % D] as number));
  return {
    header: {
      type: 'network',
      features: m.features,
      dim: D,
      activation: m.activation,
      hiddenBias: Array.from(m.hiddenBias),
      out: Array.from(m.out),
      bias: Array.from(m.bias),
      scale,
      size: q.length,
    },
    body: Buffer.from(q.buffer, q.byteOffset, q.byteLength),
  };
}

/** Inverse of encodeNetwork; keeps the int8 table as is (`q` must not be reused by the caller). */
export function decodeNetwork(h: StoredNetworkMember, q: Int8Array): NetworkMember {
  return {
    type: 'network',
    features: h.features,
    dim: h.dim,
    activation: h.activation,
    embeddings: q,
    embeddingScale: Float32Array.from(h.scale),
    hiddenBias: Float32Array.from(h.hiddenBias),
    out: Float32Array.from(h.out),
    bias: Float32Array.from(h.bias),
  };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainMember, trainNetwork } from '../../../scripts/nlp-trainer.ts';
import type { FeatureConfig, SparseVector } from './features.hashing.ts';
import { extractFeatures } from './features.hashing.ts';
import { type LinearModel, decodeModel, encodeModel, logits } from './model.linear.ts';
import { type NetworkMember, addNetworkLogits } from './model.network.ts';

const tiny: FeatureConfig = { bits: 4, wordNgrams: 1, charMin: 2, charMax: 0, charWeight: 1 };

/** dim 2, 16 buckets, two outputs, hand-set weights. */
function fixture(activation: 'tanh' | 'linear'): NetworkMember {
  const embeddings = new Float32Array(16 * 2);
  embeddings[3 * 2] = 1; // bucket 3 → (1, 0)
  embeddings[5 * 2 + 1] = 2; // bucket 5 → (0, 2)
  return {
    type: 'network',
    features: tiny,
    dim: 2,
    activation,
    embeddings,
    embeddingScale: Float32Array.from([1, 0.5]),
    hiddenBias: Float32Array.from([0, 0.1]),
    out: Float32Array.from([1, 0, 1, -1]), // output 0 reads h0; output 1 reads h0 - h1
    bias: Float32Array.from([0.5, 0]),
  };
}

const x: SparseVector = { index: Int32Array.from([3, 5]), value: Float32Array.from([0.6, 0.8]), length: 2 };

describe('network member', () => {
  it('computes bias + W·act(scale ⊙ Σ v·E[bucket] + b) by hand', () => {
    const z = new Float32Array(2);
    addNetworkLogits(fixture('linear'), x, 2, z);
    // h = (0.6·1·1 + 0, 0.8·2·0.5 + 0.1) = (0.6, 0.9)
    assert.ok(Math.abs((z[0] as number) - 1.1) < 1e-6);
    assert.ok(Math.abs((z[1] as number) - (0.6 - 0.9)) < 1e-6);
    const t = new Float32Array(2);
    addNetworkLogits(fixture('tanh'), x, 2, t);
    assert.ok(Math.abs((t[0] as number) - (0.5 + Math.tanh(0.6))) < 1e-6);
  });

  it('survives the int8 file format with the same logits (within quantisation error)', () => {
    const model: LinearModel = {
      task: 'intent',
      lang: 'en',
      kind: 'sigmoid',
      labels: ['a', 'b'],
      members: [fixture('tanh')],
      thresholds: [0.5, 0.5],
      offsets: [0, 0],
      meta: {},
    };
    const back = decodeModel(encodeModel(model));
    assert.equal(back.members[0]?.type, 'network');
    for (const text of ['hello world', 'refund now please', '']) {
      const a = logits(model, text);
      const b = logits(back, text);
      for (let k = 0; k < 2; k++) assert.ok(Math.abs((a[k] as number) - (b[k] as number)) < 0.02, text);
    }
  });
});

describe('trainer', () => {
  const texts = ['great product love it', 'awful broken refund', 'love the service', 'broken again awful', 'love love', 'refund refund'];
  const labels = [1, 0, 1, 0, 1, 0];
  const cfg: FeatureConfig = { bits: 12, wordNgrams: 2, charMin: 2, charMax: 4, charWeight: 1 };
  const X = texts.map((t) => extractFeatures(t, cfg));
  const targets = labels.map((l) => [l]);
  const w = labels.map(() => 1);
  const opts = { kind: 'sigmoid' as const, outputs: 1, epochs: 20, lr: 0.2, l2: 0, seed: 1 };

  it('gives byte-identical model files for the same data and seed', () => {
    const build = (): Buffer =>
      encodeModel({
        task: 'toxicity',
        lang: 'en',
        kind: 'sigmoid',
        labels: ['pos'],
        members: [trainMember(X, targets, w, cfg, opts), trainNetwork(X, targets, w, cfg, { ...opts, dim: 8, activation: 'tanh' })],
        thresholds: [0.5],
        offsets: [0],
        meta: {},
      });
    assert.deepEqual(build(), build());
  });

  it('learns a separable toy task and leaves unseen buckets at zero', () => {
    const net = trainNetwork(X, targets, w, cfg, { ...opts, dim: 8, activation: 'tanh' });
    const z = (t: string): number => {
      const out = new Float32Array(1);
      addNetworkLogits(net, extractFeatures(t, cfg), 1, out);
      return out[0] as number;
    };
    assert.ok(z('love it') > z('broken refund'));
    const seen = new Set<number>();
    for (const v of X) for (let j = 0; j < v.length; j++) seen.add(v.index[j] as number);
    for (let b = 0; b < 1 << cfg.bits; b++) {
      if (seen.has(b)) continue;
      for (let d = 0; d < 8; d++) assert.equal(net.embeddings[b * 8 + d], 0);
    }
  });
});

import * as tf from '@tensorflow/tfjs';
import type {Baskets} from './load';
import {seededRandom} from '../domain/random';
import {sharedArray} from './shared';

/**
 * Item embeddings learned from baskets, item2vec style: skip-gram with negative sampling where the "sentence" is
 * an order and every other product in it is context. Cosine between two rows says "bought in similar company",
 * which catches pairs too rare for the counts to trust. Sampling is done in JS (cheap, seeded); the maths runs in
 * TensorFlow.js in large batches on whatever backend `selectBackend` chose. The tables stay on the host: a batch
 * gathers its rows (a memcpy each), the backend computes logits and gradients, and each touched row takes one
 * Adagrad step, so memory is O(items x dim) and never items x items.
 */

/** The parts of the loaded baskets the embedding reads. */
type BasketItems = Pick<Baskets, 'offsets' | 'items' | 'itemIds' | 'count'>;

export type EmbedOptions = {
  dim?: number;
  epochs?: number;
  seed?: number;
  onProgress?: (fraction: number) => void;
  /** Negatives drawn from unigram^0.75 per positive pair. */
  negatives?: number;
  /** Context items sampled per item in a basket; baskets smaller than this use every pair. */
  window?: number;
  /** Upper bound on positive pairs per epoch, so a 1M-order store costs a bounded time per epoch. */
  maxPairsPerEpoch?: number;
  batchSize?: number;
  learningRate?: number;
  /** word2vec's frequent-item subsampling threshold (share of all item occurrences); 0 turns it off. */
  subsample?: number;
};

export type Embeddings = {vectors: Float32Array; dim: number; seconds: number};

const DEFAULTS = {
  dim: 32,
  epochs: 3,
  seed: 1,
  negatives: 5,
  window: 4,
  maxPairsPerEpoch: 1_000_000,
  batchSize: 16_384,
  learningRate: 0.2,
  subsample: 1e-3,
};

/** Vose's alias table: O(1) draws from the negative-sampling distribution. */
function aliasTable(weights: Float64Array): {prob: Float64Array; alias: Uint32Array} {
  const n = weights.length;
  const total = weights.reduce((s, w) => s + w, 0);
  const prob = new Float64Array(n);
  const alias = new Uint32Array(n);
  const scaled = Float64Array.from(weights, (w) => (total > 0 ? (w * n) / total : 1));
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((s, i) => (s < 1 ? small : large).push(i));
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] += scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of [...small, ...large]) prob[i] = 1;
  return {prob, alias};
}

function occurrences(baskets: BasketItems, n: number): Float64Array {
  const freq = new Float64Array(n);
  for (let b = 0; b < baskets.count; b++) {
    const start = baskets.offsets[b];
    const end = baskets.offsets[b + 1];
    if (end - start < 2) continue;
    for (let j = start; j < end; j++) freq[baskets.items[j]]++;
  }
  return freq;
}

type PairSampler = {pairs: () => {centre: Int32Array; context: Int32Array; length: number}};

/**
 * Positive pairs for one epoch: each kept item of a basket with up to `window` random companions from the same
 * basket, frequent items thinned out, whole baskets skipped at random when the epoch would exceed its budget.
 */
function pairSampler(baskets: BasketItems, freq: Float64Array, o: typeof DEFAULTS, random: () => number): PairSampler {
  const total = freq.reduce((s, f) => s + f, 0);
  const keep = Float64Array.from(freq, (f) => {
    if (o.subsample <= 0 || f === 0) return 1;
    const r = f / (o.subsample * total);
    return Math.min(1, (Math.sqrt(r) + 1) / r);
  });
  let natural = 0;
  for (let b = 0; b < baskets.count; b++) {
    const m = baskets.offsets[b + 1] - baskets.offsets[b];
    if (m >= 2) natural += m * Math.min(m - 1, o.window);
  }
  const basketRate = Math.min(1, o.maxPairsPerEpoch / Math.max(1, natural));
  const capacity = Math.ceil(Math.min(natural, o.maxPairsPerEpoch * 1.1)) + 1024;
  const centre = new Int32Array(capacity);
  const context = new Int32Array(capacity);
  const kept: number[] = [];
  return {
    pairs: () => {
      let length = 0;
      for (let b = 0; b < baskets.count && length < capacity; b++) {
        const start = baskets.offsets[b];
        const end = baskets.offsets[b + 1];
        if (end - start < 2 || (basketRate < 1 && random() >= basketRate)) continue;
        kept.length = 0;
        for (let j = start; j < end; j++) if (random() < keep[baskets.items[j]]) kept.push(baskets.items[j]);
        const m = kept.length;
        if (m < 2) continue;
        const all = m - 1 <= o.window;
        for (let j = 0; j < m && length < capacity; j++) {
          for (let w = 0; w < Math.min(m - 1, o.window) && length < capacity; w++) {
            let k = all ? w + (w >= j ? 1 : 0) : Math.floor(random() * (m - 1));
            if (!all && k >= j) k++;
            centre[length] = kept[j];
            context[length] = kept[k];
            length++;
          }
        }
      }
      for (let i = length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const c = centre[i];
        centre[i] = centre[j];
        centre[j] = c;
        const x = context[i];
        context[i] = context[j];
        context[j] = x;
      }
      return {centre, context, length};
    },
  };
}

/**
 * The batch maths on the tfjs backend: logits of each centre against its positive and negatives, and the SGNS
 * gradients for both sides (d/dx of log sigma(u.v+) + sum log sigma(-u.v-), sign flipped for descent).
 * Rows are gathered and updated on the host: tfjs's gather kernels on wasm/cpu cost far more than these products.
 */
async function gradients(uc: Float32Array, vpn: Float32Array, b: number, k: number, dim: number, labels: tf.Tensor2D): Promise<{gU: Float32Array; gV: Float32Array}> {
  const [gU, gV] = tf.tidy(() => {
    const u = tf.tensor2d(uc, [b, dim]);
    const v = tf.tensor3d(vpn, [b, k + 1, dim]);
    const logits = tf.matMul(v, u.expandDims(2)).reshape([b, k + 1]);
    const g = tf.sub(tf.sigmoid(logits), b === labels.shape[0] ? labels : labels.slice([0, 0], [b, k + 1]));
    return [tf.matMul(g.expandDims(1), v).reshape([b, dim]), tf.mul(g.expandDims(2), u.expandDims(1))];
  });
  try {
    // Asynchronous reads: the webgpu backend's dataSync needs OffscreenCanvas, which Node lacks.
    const [u, v] = await Promise.all([gU.data(), gV.data()]);
    return {gU: u as Float32Array, gV: v as Float32Array};
  } finally {
    tf.dispose([gU, gV]);
  }
}

/**
 * An embedding table with Adagrad state. Gradients of one batch are summed per row first (rows repeat within a
 * batch), then each touched row takes one Adagrad step, which keeps hot items from overshooting.
 */
class Table {
  readonly w: Float32Array;
  private readonly g2: Float32Array;
  private readonly acc: Float32Array;
  private readonly stamp: Int32Array;
  private readonly touched: number[] = [];
  private mark = 0;

  constructor(
    n: number,
    private readonly dim: number,
    random: () => number,
  ) {
    this.w = new Float32Array(n * dim);
    for (let i = 0; i < this.w.length; i++) this.w[i] = (random() - 0.5) / dim;
    this.g2 = new Float32Array(n * dim);
    this.acc = new Float32Array(n * dim);
    this.stamp = new Int32Array(n);
  }

  gather(indexes: Int32Array, out: Float32Array): void {
    const d = this.dim;
    const w = this.w;
    for (let i = 0; i < indexes.length; i++) {
      const from = indexes[i] * d;
      const to = i * d;
      for (let j = 0; j < d; j++) out[to + j] = w[from + j];
    }
  }

  apply(indexes: Int32Array, grads: Float32Array, lr: number): void {
    const {dim: d, acc, g2, w, stamp, touched} = this;
    const mark = ++this.mark;
    touched.length = 0;
    for (let i = 0; i < indexes.length; i++) {
      const row = indexes[i];
      const base = row * d;
      if (stamp[row] !== mark) {
        stamp[row] = mark;
        touched.push(row);
        acc.fill(0, base, base + d);
      }
      const from = i * d;
      for (let j = 0; j < d; j++) acc[base + j] += grads[from + j];
    }
    for (const row of touched) {
      for (let j = row * d; j < row * d + d; j++) {
        const g = acc[j];
        g2[j] += g * g;
        w[j] -= (lr * g) / Math.sqrt(g2[j] + 1e-8);
      }
    }
  }
}

/**
 * Trains on the active tfjs backend (call `selectBackend` first). Row i of `vectors` is item i, L2-normalised
 * (input + output vectors, which the symmetric pairs keep in one space); items never in a basket of two or more
 * get a zero row, so they are similar to nothing rather than to noise. Same seed and backend, same vectors.
 */
export async function trainEmbeddings(baskets: BasketItems, opts: EmbedOptions): Promise<Embeddings> {
  const started = performance.now();
  const o = {...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined))} as typeof DEFAULTS;
  const n = baskets.itemIds.length;
  const random = seededRandom(o.seed);
  const freq = occurrences(baskets, n);
  const noise = aliasTable(Float64Array.from(freq, (f) => Math.pow(f, 0.75)));
  const sampler = pairSampler(baskets, freq, o, random);
  const k = o.negatives;

  const u = new Table(n, o.dim, random);
  const v = new Table(n, o.dim, random);
  const uc = new Float32Array(o.batchSize * o.dim);
  const vpn = new Float32Array(o.batchSize * (k + 1) * o.dim);
  const pn = new Int32Array(o.batchSize * (k + 1));
  // Each row: the positive, then k negatives. Built once: a concat per batch cost ~3% of the stage on wasm.
  const labels = tf.tidy(() => tf.concat([tf.ones([o.batchSize, 1]), tf.zeros([o.batchSize, k])], 1) as tf.Tensor2D);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const {centre, context, length} = sampler.pairs();
      for (let s = 0; s < length; s += o.batchSize) {
        const b = Math.min(o.batchSize, length - s);
        for (let i = 0; i < b; i++) {
          pn[i * (k + 1)] = context[s + i];
          for (let j = 1; j <= k; j++) {
            const r = Math.floor(random() * n);
            pn[i * (k + 1) + j] = random() < noise.prob[r] ? r : noise.alias[r];
          }
        }
        const centres = centre.subarray(s, s + b);
        const pairs = pn.subarray(0, b * (k + 1));
        u.gather(centres, uc);
        v.gather(pairs, vpn);
        const {gU, gV} = await gradients(uc.subarray(0, b * o.dim), vpn.subarray(0, b * (k + 1) * o.dim), b, k, o.dim, labels);
        const lr = o.learningRate * Math.max(0.1, 1 - (epoch + s / length) / o.epochs);
        u.apply(centres, gU, lr);
        v.apply(pairs, gV, lr);
        // A turn of the event loop per batch: work running alongside (worker replies, timers) is not held up.
        await new Promise((resolve) => setImmediate(resolve));
      }
      opts.onProgress?.((epoch + 1) / o.epochs);
    }
  } finally {
    labels.dispose();
  }
  const vectors = sharedArray(Float32Array, n * o.dim);
  for (let i = 0; i < n; i++) {
    if (freq[i] === 0) continue;
    let norm = 0;
    for (let j = i * o.dim; j < (i + 1) * o.dim; j++) {
      vectors[j] = u.w[j] + v.w[j];
      norm += vectors[j] * vectors[j];
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = i * o.dim; j < (i + 1) * o.dim; j++) vectors[j] *= scale;
  }
  return {vectors, dim: o.dim, seconds: (performance.now() - started) / 1000};
}

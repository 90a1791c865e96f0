import * as tf from '@tensorflow/tfjs';
import type {KernelOrders, ScoreParams} from './score';
import {RANKER_FEATURES, basketWeights, rankBySpec, rankerFeaturizer} from './score';
import type {Embeddings} from './embed';
import type {Baskets} from './load';
import {seededRandom} from '../domain/random';

/**
 * The learned ranker: a linear model over RANKER_FEATURES (score.ts), fitted with TensorFlow.js on held-out
 * orders. Each anchor's top candidates under the analytic score form one list, and the loss is the softmax
 * cross-entropy between the model's scores over that list and the share of held-out gain each candidate earned
 * (ListNet): it optimizes the ordering within a list, which is all a product page shows. The weights start at
 * the analytic score (weight 1 on its log, 0 elsewhere), so training moves away from it only where the held-out
 * orders say so.
 */

export type RankerOptions = {
  embeddings?: Embeddings;
  /** Candidates per anchor, best first under the analytic score. */
  candidates?: number;
  /** Full-batch Adam steps and their learning rate. */
  steps?: number;
  learningRate?: number;
  /** Lists used at most (a seeded sample beyond it), which bounds memory on a 100k-product store. */
  maxLists?: number;
  seed?: number;
};

const DEFAULTS = {candidates: 50, steps: 100, learningRate: 0.03, maxLists: 20_000, seed: 1};

/** Weights over RANKER_FEATURES fitted on `heldOut` orders with features from `train`; null when they hold no usable list. */
export async function fitRanker(train: KernelOrders, heldOut: Baskets, params: ScoreParams, opts: RankerOptions = {}): Promise<number[] | null> {
  const o = {...DEFAULTS, ...opts};
  const C = o.candidates;
  const F = RANKER_FEATURES.length;
  const lists = rankBySpec(train, {kind: 'companions', params: {...params, ranker: null}, embeddings: o.embeddings}, C);
  const gains = heldOutGains(heldOut, train.baskets.itemIds.length);
  // Anchors whose candidates earned any held-out gain: the only lists with something to learn.
  let anchors: number[] = [];
  for (const [a, g] of gains) {
    for (let t = lists.offsets[a]; t < lists.offsets[a + 1]; t++) {
      if (g.has(lists.items[t])) {
        anchors.push(a);
        break;
      }
    }
  }
  if (anchors.length === 0) return null;
  if (anchors.length > o.maxLists) {
    const random = seededRandom(o.seed);
    for (let i = anchors.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [anchors[i], anchors[j]] = [anchors[j], anchors[i]];
    }
    anchors = anchors.slice(0, o.maxLists).sort((x, y) => x - y);
  }
  const featurize = rankerFeaturizer(train, params, o.embeddings);
  const n = anchors.length;
  const x = new Float32Array(n * C * F);
  const target = new Float32Array(n * C);
  const padding = new Float32Array(n * C).fill(-1e9);
  const row = new Float64Array(F);
  anchors.forEach((a, i) => {
    const g = gains.get(a)!;
    let sum = 0;
    for (let t = lists.offsets[a], r = 0; t < lists.offsets[a + 1]; t++, r++) {
      featurize(a, lists.items[t], lists.counts[t], lists.weights[t], row);
      x.set(row, (i * C + r) * F);
      padding[i * C + r] = 0;
      const gain = g.get(lists.items[t]) ?? 0;
      target[i * C + r] = gain;
      sum += gain;
    }
    for (let r = 0; r < C; r++) target[i * C + r] /= sum;
  });
  const start = new Float32Array(F);
  start[0] = 1;
  const weights = tf.variable(tf.tensor2d(start, [F, 1]));
  const xs = tf.tensor2d(x, [n * C, F]);
  const ys = tf.tensor2d(target, [n, C]);
  const pad = tf.tensor2d(padding, [n, C]);
  const optimizer = tf.train.adam(o.learningRate);
  try {
    for (let s = 0; s < o.steps; s++) {
      optimizer.minimize(() => {
        const logits = tf.add(tf.reshape(tf.matMul(xs, weights), [n, C]), pad);
        return tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.logSoftmax(logits)), 1))) as tf.Scalar;
      });
    }
    return Array.from(await weights.data());
  } finally {
    tf.dispose([weights, xs, ys, pad]);
    optimizer.dispose();
  }
}

/**
 * anchor -> (product -> held-out gain): each order of n products gives each pair 1 / IDCG@10(n - 1), as a hit
 * would earn, which is the 'ndcg' basket weight of the companion score.
 */
function heldOutGains(heldOut: Baskets, nItems: number): Map<number, Map<number, number>> {
  const gains = new Map<number, Map<number, number>>();
  const gain = basketWeights(heldOut, {sizeWeight: 'ndcg', halfLifeDays: 0});
  for (let b = 0; b < heldOut.count; b++) {
    if (gain[b] === 0) continue;
    const start = heldOut.offsets[b];
    const end = heldOut.offsets[b + 1];
    for (let t = start; t < end; t++) {
      const a = heldOut.items[t];
      if (a >= nItems) continue;
      let g = gains.get(a);
      if (!g) gains.set(a, (g = new Map()));
      for (let u = start; u < end; u++) if (u !== t) g.set(heldOut.items[u], (g.get(heldOut.items[u]) ?? 0) + gain[b]);
    }
  }
  return gains;
}

import * as tf from '@tensorflow/tfjs';
import {beforeAll, describe, expect, it} from 'vitest';
import {selectBackend} from '../../trainer/backend';
import {trainEmbeddings} from '../../trainer/embed';
import {seededRandom} from '../../domain/random';

type TestBaskets = {offsets: Uint32Array; items: Uint32Array; itemIds: string[]; count: number};

function toBaskets(lists: number[][], itemCount: number): TestBaskets {
  const offsets = new Uint32Array(lists.length + 1);
  lists.forEach((l, b) => (offsets[b + 1] = offsets[b] + l.length));
  return {offsets, items: Uint32Array.from(lists.flat()), itemIds: Array.from({length: itemCount}, (_, i) => `p${i}`), count: lists.length};
}

/**
 * 60 items; items 2i and 2i+1 (i < 10) are a planted pair bought together; every basket holds one planted pair plus
 * 2-4 random other items, so the planted partner co-occurs far more often than chance. Item 59 is never bought.
 */
function plantedBaskets(seed: number): TestBaskets {
  const random = seededRandom(seed);
  const lists: number[][] = [];
  for (let b = 0; b < 3000; b++) {
    const pair = Math.floor(random() * 10);
    const basket = new Set([2 * pair, 2 * pair + 1]);
    const extra = 2 + Math.floor(random() * 3);
    while (basket.size < 2 + extra) basket.add(20 + Math.floor(random() * 39));
    lists.push([...basket]);
  }
  return toBaskets(lists, 60);
}

function cosine(v: Float32Array, dim: number, a: number, b: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += v[a * dim + j] * v[b * dim + j];
  return s;
}

const small = {dim: 16, epochs: 4, batchSize: 1024, seed: 7};

describe.each(['wasm', 'cpu'])('trainEmbeddings on %s', (backend) => {
  const baskets = plantedBaskets(3);

  beforeAll(async () => {
    expect((await selectBackend(backend)).name).toBe(backend);
  });

  it('puts planted co-purchased items closer than random pairs', async () => {
    const {vectors, dim} = await trainEmbeddings(baskets, small);
    const planted = Array.from({length: 10}, (_, i) => cosine(vectors, dim, 2 * i, 2 * i + 1));
    const random: number[] = [];
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) if (i !== j) random.push(cosine(vectors, dim, 2 * i, 2 * j + 1));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(planted)).toBeGreaterThan(mean(random) + 0.3);
    for (let i = 0; i < 10; i++) {
      let nearest = -1;
      let best = -Infinity;
      for (let j = 0; j < 59; j++) {
        if (j === 2 * i) continue;
        const s = cosine(vectors, dim, 2 * i, j);
        if (s > best) [best, nearest] = [s, j];
      }
      expect(nearest, `nearest neighbour of item ${2 * i}`).toBe(2 * i + 1);
    }
    // Ranking jobs hand the vectors to the worker threads: on shared memory, not a copy per job (shared.ts).
    expect(vectors.buffer instanceof SharedArrayBuffer).toBe(true);
  });

  it('is deterministic for a seed and changes with the seed', async () => {
    const a = await trainEmbeddings(baskets, small);
    const b = await trainEmbeddings(baskets, small);
    const c = await trainEmbeddings(baskets, {...small, seed: 8});
    expect(Buffer.from(a.vectors.buffer).equals(Buffer.from(b.vectors.buffer))).toBe(true);
    expect(Buffer.from(a.vectors.buffer).equals(Buffer.from(c.vectors.buffer))).toBe(false);
  });

  it('returns L2-normalised rows, a zero row for an item never bought, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const {vectors, dim, seconds} = await trainEmbeddings(baskets, {...small, epochs: 2, onProgress: (f) => progress.push(f)});
    expect(tf.memory().numTensors).toBe(before);
    expect(dim).toBe(16);
    expect(vectors.length).toBe(60 * 16);
    expect(seconds).toBeGreaterThan(0);
    for (let i = 0; i < 59; i++) expect(cosine(vectors, dim, i, i)).toBeCloseTo(1, 4);
    expect(cosine(vectors, dim, 59, 59)).toBe(0);
    expect(progress).toEqual([0.5, 1]);
  });
});

describe('trainEmbeddings on edge cases', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it.each([
    ['no baskets', toBaskets([], 3)],
    ['only single-item baskets', toBaskets([[0], [1], [2]], 3)],
  ])('gives zero rows for %s', async (_case, baskets) => {
    const {vectors} = await trainEmbeddings(baskets, {dim: 4, epochs: 1});
    expect([...vectors]).toEqual(new Array(12).fill(0));
  });

  it('bounds the pairs of each epoch on a store with huge baskets', async () => {
    const huge = toBaskets(Array.from({length: 50}, () => Array.from({length: 400}, (_, i) => i)), 400);
    const {vectors} = await trainEmbeddings(huge, {dim: 8, epochs: 1, maxPairsPerEpoch: 5000, batchSize: 1000});
    expect(vectors.length).toBe(400 * 8);
    for (let i = 0; i < 400; i++) expect(cosine(vectors, 8, i, i)).toBeCloseTo(1, 4);
  });
});

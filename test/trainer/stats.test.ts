import {describe, expect, it} from 'vitest';
import {confidence, cosine, idealDcg, jaccard, lift, llr, pairStats, reverseConfidence, support} from '../../trainer/stats';

// 10 orders; a in 4, b in 5, both in 2.
const t = {count: 2, na: 4, nb: 5, n: 10};

describe('pair statistics', () => {
  it.each([
    ['support', support, 0.2],
    ['confidence a->b', confidence, 0.5],
    ['confidence b->a', reverseConfidence, 0.4],
    ['lift', lift, 1],
    ['jaccard', jaccard, 2 / 7],
    ['cosine', cosine, 2 / Math.sqrt(20)],
  ])('%s of the toy table', (_name, f, expected) => {
    expect(f(t)).toBeCloseTo(expected, 12);
  });

  it.each([
    // Independent table: G^2 is 0.
    [{count: 2, na: 4, nb: 5, n: 10}, 0],
    // k11=10 k12=0 k21=0 k22=10: G^2 = 2 * 20 ln 2.
    [{count: 10, na: 10, nb: 10, n: 20}, 40 * Math.LN2],
    // k11=1 k12=1 k21=1 k22=1: independent.
    [{count: 1, na: 2, nb: 2, n: 4}, 0],
  ])('llr of %o is %f', (c, expected) => {
    expect(llr(c)).toBeCloseTo(expected, 9);
  });

  it.each([
    [0, 10, 0],
    [1, 10, 1],
    [3, 10, 1 + 1 / Math.log2(3) + 1 / 2],
    [25, 10, Array.from({length: 10}, (_, i) => 1 / Math.log2(i + 2)).reduce((x, y) => x + y)],
  ])('IDCG with %i relevant items at %i is %f', (relevant, k, expected) => {
    expect(idealDcg(relevant, k)).toBeCloseTo(expected, 12);
  });

  it('pairStats gathers every figure', () => {
    expect(pairStats(t)).toEqual({count: 2, support: 0.2, confidence: 0.5, reverseConfidence: 0.4, lift: 1, jaccard: 2 / 7, cosine: cosine(t), llr: llr(t)});
  });
});

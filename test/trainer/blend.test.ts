import {describe, expect, it} from 'vitest';
import {DEFAULT_SCORE, cosine, rankCompanions} from '../../trainer/blend';
import type {Embeddings} from '../../trainer/embed';
import {pairSimilarities} from '../../trainer/pipeline';
import {basketsOf} from './helpers';

/** tea is bought with cup 12 times and with jam 10 times; the embeddings put jam next to tea. */
const baskets = basketsOf([...Array.from({length: 12}, () => ['tea', 'cup']), ...Array.from({length: 10}, () => ['tea', 'jam']), ['cup'], ['jam']]);
const id = (name: string) => baskets.itemIds.indexOf(name);
const dim = 2;
const vectors = new Float32Array(baskets.itemIds.length * dim);
vectors.set([1, 0], id('tea') * dim);
vectors.set([0.8, 0.6], id('jam') * dim);
vectors.set([0, 1], id('cup') * dim);
const embeddings: Embeddings = {vectors, dim, seconds: 0};
const plain = {...DEFAULT_SCORE, shrink: 0, popularityExponent: 0, sizeWeight: 'order' as const, popularCandidates: 0};

function firstFor(anchor: string, weight: number, e?: Embeddings): string {
  const lists = rankCompanions(baskets, {...plain, embeddingWeight: weight}, 5, {embeddings: e});
  return baskets.itemIds[lists.items[lists.offsets[id(anchor)]]];
}

describe('embedding weight in the companion score', () => {
  it.each([
    ['weight 0 keeps co-count order', 0, embeddings, 'cup'],
    ['no embeddings keeps co-count order', 2, undefined, 'cup'],
    ['a small weight cannot overturn 12 vs 10 orders', 0.1, embeddings, 'cup'],
    ['a larger weight lifts the embedding neighbour', 2, embeddings, 'jam'],
  ] as const)('%s', (_name, weight, e, expected) => {
    expect(firstFor('tea', weight, e)).toBe(expected);
  });

  it.each([
    ['tea', 'jam', 0.8],
    ['tea', 'cup', 0],
    ['jam', 'cup', 0.6],
  ])('cosine(%s, %s) = %d', (a, b, expected) => {
    expect(cosine(embeddings, id(a), id(b))).toBeCloseTo(expected, 6);
  });

  it('pairSimilarities lines up with the published pairs', () => {
    // tea's list is [jam, cup]; every other product's list is empty.
    const offsets = Uint32Array.from({length: baskets.itemIds.length + 1}, (_, i) => (i <= id('tea') ? 0 : 2));
    const companions = {offsets, items: Uint32Array.from([id('jam'), id('cup')]), scores: new Float64Array(2), counts: new Uint32Array(2), sources: new Uint8Array(2)};
    const sims = pairSimilarities(companions, embeddings);
    expect(Array.from(sims)).toEqual([expect.closeTo(0.8, 6), 0]);
  });
});

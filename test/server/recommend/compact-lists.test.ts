import {describe, expect, it} from 'vitest';
import {CompactLists} from '../../../server/recommend/compact-lists';

// The model cache's columns (compact-lists.ts): lists appended page by page come back as appended, whichever
// page and block of columns each entry landed in.

/** `products` lists of `per` entries each (entry k of product p: values p*1000+k and -(p*1000+k)), in pages of `page`. */
function built(products: number, per: number, page: number): CompactLists<[number, number]> {
  const lists = new CompactLists<[number, number]>(2, (c, i) => [c[0][i], c[1][i]]);
  const total = products * per;
  for (let start = 0; start < total; start += page) {
    const n = Math.min(page, total - start);
    const ids = new Float64Array(n);
    const values = [new Float64Array(n), new Float64Array(n)];
    for (let i = 0; i < n; i++) {
      const p = Math.floor((start + i) / per) + 1;
      const k = (start + i) % per;
      ids[i] = p;
      values[0][i] = p * 1000 + k;
      values[1][i] = -(p * 1000 + k);
    }
    lists.append(ids, values);
  }
  return lists.seal();
}

describe('CompactLists', () => {
  it.each([
    ['a few lists, one page', 3, 5, 100],
    ['lists across pages and across blocks of 65,536 entries (7 entries a list: one spans each block end)', 20_000, 7, 5_000],
  ])('%s', (_name, products, per, page) => {
    const lists = built(products, per, page);
    expect(lists.size).toBe(products);
    expect(lists.total).toBe(products * per);
    for (const p of [1, 2, products, 9363, 9362, 18725].filter((id) => id <= products)) {
      expect(lists.get(p)).toEqual(Array.from({length: per}, (_, k) => [p * 1000 + k, -(p * 1000 + k)]));
    }
    expect([...lists.values()].every((list) => list.length === per)).toBe(true);
    expect(lists.get(products + 1)).toBeUndefined();
  });
});

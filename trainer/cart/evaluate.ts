import type {Baskets} from '../load';
import type {Orders} from '../training-set';
import type {CartWeights} from './weights';

/**
 * Protocol B of the contracts (`../shared/bench/eval-cart.mjs`) on integer baskets: for every held-out order with
 * 2+ products and every product j in it, the rest of the order is the cart and j the one target; products are
 * ranked by the summed weights of the cart's products, ties and the rest by training popularity, cart products
 * excluded. Products unseen in training count as misses. The figures match the script's on the same weights.
 */

export type CartMetrics = {hr: number; ndcg: number; mrr: number; queries: number};

const round4 = (x: number): number => Number(x.toFixed(4));

export function evaluateCart(train: Orders, test: Baskets, w: CartWeights, k = 10, perQuery?: number[]): CartMetrics {
  const nItems = test.itemIds.length;
  const {popular} = train;
  const poprank = new Int32Array(nItems).fill(-1);
  popular.forEach((x, r) => (poprank[x] = r));
  const total = new Float64Array(nItems);
  const inTotal = new Uint8Array(nItems);
  const inCart = new Uint8Array(nItems);
  const own = new Float64Array(nItems);
  const touched: number[] = [];
  const rowsOf = (i: number) => (i < w.offsets.length - 1 ? [w.offsets[i], w.offsets[i + 1]] : [0, 0]);
  let n = 0, hr = 0, ndcg = 0, mrr = 0;
  for (let b = 0; b < test.count; b++) {
    const start = test.offsets[b], end = test.offsets[b + 1];
    if (end - start < 2) continue;
    for (let t = start; t < end; t++) {
      const i = test.items[t];
      inCart[i] = 1;
      const [r0, r1] = rowsOf(i);
      for (let r = r0; r < r1; r++) {
        const x = w.items[r];
        if (!inTotal[x]) {
          inTotal[x] = 1;
          touched.push(x);
        }
        total[x] += w.weights[r];
      }
    }
    for (let t = start; t < end; t++) {
      const j = test.items[t];
      n++;
      const pj = poprank[j];
      let gain = 0;
      if (pj >= 0) {
        const [o0, o1] = rowsOf(j);
        for (let r = o0; r < o1; r++) own[w.items[r]] = w.weights[r];
        // The cart's score of x: the basket's total less j's own row.
        const score = (x: number) => (inTotal[x] ? total[x] - own[x] : 0);
        const sj = score(j);
        let rank = 0;
        for (const x of touched) {
          if (x === j || inCart[x] || poprank[x] < 0) continue;
          const sx = score(x);
          if (sx === 0) continue;
          if (sx > sj || (sx === sj && poprank[x] < pj)) rank++;
          if (rank >= k) break;
        }
        if (rank < k && sj <= 0) rank += zeroScoreAhead(j, pj, sj, popular, inCart, (x) => score(x) !== 0, k - rank);
        if (rank < k) {
          gain = 1 / Math.log2(rank + 2);
          hr++;
          ndcg += gain;
          mrr += 1 / (rank + 1);
        }
        for (let r = o0; r < o1; r++) own[w.items[r]] = 0;
      }
      perQuery?.push(gain);
    }
    for (let t = start; t < end; t++) inCart[test.items[t]] = 0;
    for (const x of touched) {
      total[x] = 0;
      inTotal[x] = 0;
    }
    touched.length = 0;
  }
  const mean = (x: number) => (n > 0 ? round4(x / n) : 0);
  return {hr: mean(hr), ndcg: mean(ndcg), mrr: mean(mrr), queries: n};
}

/**
 * Products with no score from this cart that outrank j (score `sj` <= 0), counted up to `most`: with sj = 0
 * those more popular than j; with sj < 0 all of them.
 */
function zeroScoreAhead(j: number, pj: number, sj: number, popular: Uint32Array, inCart: Uint8Array, scored: (x: number) => boolean, most: number): number {
  let ahead = 0;
  const end = sj === 0 ? pj : popular.length;
  for (let r = 0; r < end && ahead < most; r++) {
    const x = popular[r];
    if (x === j || inCart[x] || scored(x)) continue;
    ahead++;
  }
  return ahead;
}

import {describe, expect, it} from 'vitest';
import {fitEase} from '../../trainer/cart/ease';
import {evaluateCart} from '../../trainer/cart/evaluate';
import {cartRows, fitCart, fitCocountCart, fitDense} from '../../trainer/cart/model';
import {recencyWeights} from '../../trainer/recency';
import {KEEP_EASE_MARGIN, chooseFit} from '../../trainer/cart/stage';
import {invertSpd} from '../../trainer/cart/solve';
import {invertSpdTf} from '../../trainer/cart/solve-tf';
import type {CartWeights} from '../../trainer/cart/weights';
import {CartRowsBuilder} from '../../trainer/cart/weights';
import type {Baskets} from '../../trainer/load';
import {itemFrequencies, sliceBaskets} from '../../trainer/load';
import type {Orders} from '../../trainer/training-set';
import {timeSplit, trainingOrders} from '../../trainer/training-set';
import {seededRandom} from '../../domain/random';
import {basketsOf, randomBaskets} from './helpers';

/** A random symmetric positive definite matrix: MᵀM plus a ridge. */
function randomSpd(n: number, seed: number): Float64Array {
  const rand = seededRandom(seed);
  const m = Array.from({length: n * n}, () => rand() - 0.5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += m[k * n + i] * m[k * n + j];
  for (let i = 0; i < n; i++) a[i * n + i] += 0.5;
  return a;
}

/** The textbook inverse: Gauss-Jordan with partial pivoting on [A | I]. */
function naiveInverse(a: ArrayLike<number>, n: number): number[][] {
  const m = Array.from({length: n}, (_, i) => [...Array.from({length: n}, (_, j) => a[i * n + j]), ...Array.from({length: n}, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row) => row.slice(n));
}

/** Protocol B by brute force: every product scored and the whole catalogue sorted, for every query. */
function naiveCartNdcg(train: Baskets, test: Baskets, w: CartWeights, k = 10): {ndcg: number; hr: number; queries: number} {
  const freq = itemFrequencies(train);
  const popRank = new Map<number, number>();
  [...freq.keys()].filter((x) => freq[x] > 0).sort((x, y) => freq[y] - freq[x] || x - y).forEach((x, r) => popRank.set(x, r));
  const weight = (i: number, x: number) => {
    for (let r = w.offsets[i]; r < w.offsets[i + 1]; r++) if (w.items[r] === x) return w.weights[r];
    return 0;
  };
  let n = 0, ndcg = 0, hr = 0;
  for (let b = 0; b < test.count; b++) {
    const items = Array.from(test.items.subarray(test.offsets[b], test.offsets[b + 1]));
    if (items.length < 2) continue;
    for (const j of items) {
      n++;
      if (!popRank.has(j)) continue;
      const cart = items.filter((x) => x !== j);
      const score = (x: number) => cart.reduce((s, i) => s + (i < w.offsets.length - 1 ? weight(i, x) : 0), 0);
      const ranked = [...popRank.keys()].filter((x) => !cart.includes(x)).sort((x, y) => score(y) - score(x) || popRank.get(x)! - popRank.get(y)!);
      const rank = ranked.indexOf(j);
      if (rank < k) {
        hr++;
        ndcg += 1 / Math.log2(rank + 2);
      }
    }
  }
  return {ndcg: Number((ndcg / n).toFixed(4)), hr: Number((hr / n).toFixed(4)), queries: n};
}

describe('dense solve', () => {
  it.each([
    ['JS Cholesky', (a: Float64Array, n: number) => (invertSpd(a, n), a)],
    ['TensorFlow.js block inverse (recursion past its base block)', (a: Float64Array, n: number) => invertSpdTf(a, n)],
  ])('%s matches the textbook inverse', (_name, invert) => {
    const n = 400;
    const a = randomSpd(n, 7);
    const expected = naiveInverse(a, n);
    const got = invert(a.slice(), n);
    let worst = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(got[i * n + j] - expected[i][j]));
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('EASE', () => {
  it('is B = I - P diag(1/diag P) with P = (XᵀX + λI)⁻¹ over the dense products, zero diagonal', () => {
    const baskets = basketsOf(randomBaskets(5, 300, 12, 5));
    const lambda = 3;
    const ease = fitEase(trainingOrders(baskets), {dense: 12, lambda});
    const n = ease.items.length;
    const g = new Float64Array(n * n);
    for (let b = 0; b < baskets.count; b++) {
      const its = Array.from(baskets.items.subarray(baskets.offsets[b], baskets.offsets[b + 1])).map((x) => ease.position[x]);
      for (const u of its) for (const v of its) g[u * n + v]++;
    }
    for (let i = 0; i < n; i++) g[i * n + i] += lambda;
    const p = naiveInverse(g, n);
    for (let i = 0; i < n; i++) {
      for (let x = 0; x < n; x++) expect(ease.b[i * n + x]).toBeCloseTo(i === x ? 0 : -p[i][x] / p[x][x], 5);
    }
  });

  it('covers only the most-ordered products when the dense part is smaller than the catalogue', () => {
    const baskets = basketsOf(randomBaskets(6, 300, 30, 5));
    const ease = fitEase(trainingOrders(baskets), {dense: 10, lambda: 5});
    const freq = itemFrequencies(baskets);
    const least = Math.min(...Array.from(ease.items, (x) => freq[x]));
    expect(ease.items.length).toBe(10);
    expect([...freq.keys()].filter((x) => ease.position[x] < 0).every((x) => freq[x] <= least)).toBe(true);
  });
});

/** B = I - P diag(1/diag P), P = (XᵀWX + λI + r·diag(XᵀWX))⁻¹, by the textbook inverse over `ease`'s dense products. */
function naiveB(baskets: Baskets, position: Int32Array, n: number, lambda: number, r: number, w?: Float64Array): number[][] {
  const g = new Float64Array(n * n);
  for (let b = 0; b < baskets.count; b++) {
    const its = Array.from(baskets.items.subarray(baskets.offsets[b], baskets.offsets[b + 1])).map((x) => position[x]);
    for (const u of its) for (const v of its) g[u * n + v] += w ? w[b] : 1;
  }
  for (let i = 0; i < n; i++) g[i * n + i] += lambda + r * g[i * n + i];
  const p = naiveInverse(g, n);
  return p.map((row, i) => row.map((v, x) => (i === x ? 0 : -v / p[x][x])));
}

describe('cart model version 2', () => {
  it("EDLAE's dropout adds p/(1-p)·diag(XᵀX) to EASE's ridge before the one inverse", () => {
    const baskets = basketsOf(randomBaskets(5, 300, 12, 5));
    const [lambda, dropout] = [3, 0.25];
    const fit = fitDense(trainingOrders(baskets), {dense: 12, lambda, dropout, tailScale: 0});
    const want = naiveB(baskets, fit.position, fit.items.length, lambda, dropout / (1 - dropout));
    const n = fit.items.length;
    for (let i = 0; i < n; i++) for (let x = 0; x < n; x++) expect(fit.b[i * n + x]).toBeCloseTo(want[i][x], 5);
    // Not EASE's B: the dropout changes the answer.
    const ease = naiveB(baskets, fit.position, n, lambda, 0);
    expect(Math.max(...ease.flatMap((row, i) => row.map((v, x) => Math.abs(v - fit.b[i * n + x]))))).toBeGreaterThan(1e-3);
  });

  it('averages B with the fit on recency-weighted orders (weights halving every share of the orders, mean 1)', () => {
    const baskets = basketsOf(randomBaskets(8, 400, 10, 5));
    const w = recencyWeights(baskets.count, 0.25);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(baskets.count, 6);
    expect(w[baskets.count - 1] / w[baskets.count - 1 - 100]).toBeCloseTo(2, 6);
    const fit = fitDense(trainingOrders(baskets), {dense: 10, lambda: 2, tailScale: 0, recency: 0.25});
    const n = fit.items.length;
    const plain = naiveB(baskets, fit.position, n, 2, 0);
    const recent = naiveB(baskets, fit.position, n, 2, 0, w);
    for (let i = 0; i < n; i++) for (let x = 0; x < n; x++) expect(fit.b[i * n + x]).toBeCloseTo((plain[i][x] + recent[i][x]) / 2, 5);
  });

  it('scales every weight for x by orders(x)^-β', () => {
    const baskets = basketsOf(randomBaskets(9, 300, 15, 5));
    const params = {dense: 10, lambda: 2, tailScale: 0.3};
    const orders = trainingOrders(baskets);
    const {freq} = orders;
    const plain = cartRows(orders, fitDense(orders, params), params, 200);
    const scaled = cartRows(orders, fitDense(orders, params), {...params, beta: 0.2}, 200);
    const weightOf = (c: CartWeights, i: number, x: number) => {
      for (let r = c.offsets[i]; r < c.offsets[i + 1]; r++) if (c.items[r] === x) return c.weights[r];
      return 0;
    };
    let checked = 0;
    for (let i = 0; i < plain.offsets.length - 1; i++) {
      for (let r = plain.offsets[i]; r < plain.offsets[i + 1]; r++) {
        const x = plain.items[r];
        expect(weightOf(scaled, i, x)).toBeCloseTo(plain.weights[r] * freq[x] ** -0.2, 5);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('keeps the EASE fit unless the candidate beats it by more than the margin over the slices', () => {
    expect(KEEP_EASE_MARGIN).toBe(0.01);
    const ease = [0.1, 0.2, 0.3];
    // Mean 0.2 against 0.2: a tie keeps EASE; 1.009x keeps it; 1.011x takes the candidate.
    expect(chooseFit(ease, [0.1, 0.2, 0.3]).candidate_chosen).toBe(false);
    expect(chooseFit(ease, ease.map((v) => v * 1.009)).candidate_chosen).toBe(false);
    const won = chooseFit(ease, ease.map((v) => v * 1.011));
    expect(won.candidate_chosen).toBe(true);
    expect(won.ratio).toBeCloseTo(1.011, 4);
    // The mean over the slices decides, not one slice: a big win on one and losses on two others stays EASE.
    expect(chooseFit(ease, [0.16, 0.18, 0.26]).candidate_chosen).toBe(false);
    expect(chooseFit(ease, null)).toMatchObject({candidate_chosen: false, ratio: null});
  });
});

describe('cart weights', () => {
  it("keep each product's rows of largest |weight|, negative ones included, at most the row limit", () => {
    const rand = seededRandom(3);
    const nItems = 500;
    const out = new CartRowsBuilder(nItems, 20);
    const expected: number[][] = [];
    for (let i = 0; i < nItems; i++) {
      const w = new Map<number, number>();
      const m = Math.floor(rand() * 300);
      for (let t = 0; t < m; t++) w.set(Math.floor(rand() * nItems), Math.round((rand() - 0.5) * 100) / 10);
      for (const [x, v] of w) out.set(x, v);
      out.end(i);
      expected.push([...w.entries()].filter(([x, v]) => x !== i && v !== 0).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0] - b[0]).slice(0, 20).map(([x]) => x));
    }
    const built = out.build();
    for (let i = 0; i < nItems; i++) expect(Array.from(built.items.subarray(built.offsets[i], built.offsets[i + 1]))).toEqual(expected[i]);
    expect(built.weights.some((v) => v < 0)).toBe(true);
  });

  it.each([
    ['the EASE cart model', (b: Orders) => fitCart(b, {dense: 25, lambda: 10, tailScale: 0.3}, 15)],
    ['summed co-count', (b: Orders) => fitCocountCart(b, 15)],
  ])('%s scores held-out carts as a brute-force ranking of the catalogue does (protocol B)', (_name, fit) => {
    const baskets = basketsOf(randomBaskets(11, 600, 60, 6));
    const {train, test} = timeSplit(baskets, 0.2);
    const w = fit(trainingOrders(train));
    const got = evaluateCart(trainingOrders(train), test, w);
    const want = naiveCartNdcg(train, test, w);
    expect(got.queries).toBe(want.queries);
    expect(got.ndcg).toBe(want.ndcg);
    expect(got.hr).toBe(want.hr);
    expect(got.ndcg).toBeGreaterThan(0);
  });

  it('rank a target whose cart weight is negative below every product the cart says nothing about', () => {
    // `tea` is the best seller, but a cart holding `coffee` votes against it.
    const baskets = basketsOf([...Array.from({length: 9}, () => ['tea']), ['coffee'], ['milk'], ['milk'], ['sugar'], ['coffee', 'tea']]);
    const train = sliceBaskets(baskets, 0, 13);
    const test = sliceBaskets(baskets, 13, 14);
    const id = (s: string) => train.itemIds.indexOf(s);
    const w: CartWeights = {offsets: new Uint32Array(train.itemIds.length + 1), items: Uint32Array.of(id('tea')), weights: Float32Array.of(-1)};
    w.offsets.fill(1, id('coffee') + 1);
    // tea from {coffee}: behind milk and sugar (rank 2); coffee from {tea}: behind milk (rank 1).
    const expected = (1 / Math.log2(4) + 1 / Math.log2(3)) / 2;
    expect(evaluateCart(trainingOrders(train), test, w).ndcg).toBe(Number(expected.toFixed(4)));
    expect(naiveCartNdcg(train, test, w).ndcg).toBe(Number(expected.toFixed(4)));
  });

  it('are the same on every run (determinism)', () => {
    const baskets = basketsOf(randomBaskets(12, 400, 80, 6));
    const params = {dense: 30, lambda: 10, tailScale: 0.3};
    expect(fitCart(trainingOrders(baskets), params)).toEqual(fitCart(trainingOrders(baskets), params));
  });

  it("beat summed co-count where a product's companions depend on the rest of the cart", () => {
    // Two stores in one: `base` goes with `a` when `x` is in the cart and with `b` when `y` is.
    const orders = [...Array.from({length: 60}, (_, i) => (i % 2 ? ['base', 'x', 'a'] : ['base', 'y', 'b'])), ...Array.from({length: 30}, () => ['base', 'b', 'z'])];
    const baskets = basketsOf(orders);
    const id = (s: string) => baskets.itemIds.indexOf(s);
    const w = fitCart(trainingOrders(baskets), {dense: 10, lambda: 1, tailScale: 0});
    const score = (cart: string[], x: string) => cart.reduce((s, i) => {
      for (let r = w.offsets[id(i)]; r < w.offsets[id(i) + 1]; r++) if (w.items[r] === id(x)) return s + w.weights[r];
      return s;
    }, 0);
    expect(score(['base', 'x'], 'a')).toBeGreaterThan(score(['base', 'x'], 'b'));
  });
});

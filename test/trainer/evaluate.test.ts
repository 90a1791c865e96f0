import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {BASELINES, baseline, coverage, evaluate, pairedGain} from '../../trainer/evaluate';
import {BasketBuilder, readOrdersCsv, sliceBaskets} from '../../trainer/load';
import {trainingOrders} from '../../trainer/training-set';
import {basketsOf} from './helpers';

const SHARED = resolve(__dirname, '../../../shared');
const GROCERIES = 'datasets/groceries';
const shared = (p: string) => resolve(SHARED, p);

describe('evaluation protocol', () => {
  // Train: a-b twice, a-c once. Test order {a, b, c}.
  const all = basketsOf([['a', 'b'], ['a', 'b'], ['a', 'c'], ['a', 'b', 'c']]);
  const train = trainingOrders(sliceBaskets(all, 0, 3));
  const test = sliceBaskets(all, 3, 4);
  const [a, b, c] = [0, 1, 2];

  it.each([
    // anchor a: [b, c] hits both (dcg = 1 + 1/log2 3 = idcg); b: [a, c] both; c: [a, b] both.
    ['perfect lists', {[a]: [b, c], [b]: [a, c], [c]: [a, b]}, {hr: 1, ndcg: 1, recall: 1, precision: 0.2}],
    // Only anchor a has a list, with one hit at rank 2: dcg = 1/log2(3), idcg = 1 + 1/log2(3).
    ['one late hit', {[a]: [a, 9, b]}, {hr: 0.3333, ndcg: Number((1 / Math.log2(3) / (1 + 1 / Math.log2(3)) / 3).toFixed(4)), recall: 0.1667, precision: 0.0333}],
    ['no lists', {}, {hr: 0, ndcg: 0, recall: 0, precision: 0}],
  ])('%s', (_name, lists: Record<number, number[]>, expected) => {
    const m = evaluate(train, test, (x) => lists[x] ?? [], 10);
    expect(m).toMatchObject({...expected, queries: 3});
  });

  it('coverage is the share of training products shown', () => {
    expect(evaluate(train, test, (x) => (x === a ? [b] : []), 10).coverage).toBeCloseTo(1 / 3, 4);
  });

  it.each([
    // Differences 1, 1, 1, 1: mean 1, no spread.
    ['a steady gain', [1, 1, 1, 1], [0, 0, 0, 0], 1, 0],
    // Differences 0.1 and -0.1: mean 0, sample variance 0.02, se = sqrt(0.02 / 2) = 0.1.
    ['a gain and a loss that cancel', [0.5, 0.3], [0.4, 0.4], 0, 0.1],
    // Differences 0.3, 0, 0: mean 0.1, sample variance (0.04 + 0.01 + 0.01) / 2 = 0.03, se = 0.1.
    ['one query gains', [0.3, 0.2, 0.2], [0, 0.2, 0.2], 0.1, 0.1],
  ])('pairedGain: %s', (_name, candidate, base, mean, se) => {
    const got = pairedGain(candidate, base);
    expect(got.mean).toBeCloseTo(mean, 12);
    expect(got.se).toBeCloseTo(se, 12);
  });

  it('pairedGain refuses figures of different queries', () => {
    expect(() => pairedGain([1, 2], [1])).toThrow(/2 queries against 1/);
  });

  it('evaluate hands out each query\'s NDCG, which average to its figure', () => {
    const perQuery: number[] = [];
    const m = evaluate(train, test, (x) => (x === a ? [a, 9, b] : []), 10, {perQuery});
    expect(perQuery).toHaveLength(m.queries);
    expect(perQuery.filter((v) => v > 0)).toHaveLength(1);
    expect(perQuery.reduce((s, v) => s + v, 0) / perQuery.length).toBeCloseTo(m.ndcg, 4);
  });

  it('coverage asks each product of an order of 2+ products once, and only those', () => {
    // Queries: {a, b} twice and {c} alone; c's list is never shown because no order asks for it.
    const queries = basketsOf([['a', 'b'], ['a', 'b'], ['c']]);
    const asked: string[] = [];
    const lists: Record<string, number[]> = {a: [b], b: [a], c: [c, b]};
    const got = coverage(train, queries, (x) => (asked.push(queries.itemIds[x]), lists[queries.itemIds[x]]), 10);
    expect(asked.sort()).toEqual(['a', 'b']);
    expect(got).toBeCloseTo(2 / 3, 4);
  });

  it.skipIf(!existsSync(shared(`${GROCERIES}/train.csv.gz`)))('matches ../shared/bench/eval.mjs on the groceries baselines', async () => {
    const builder = new BasketBuilder();
    await readOrdersCsv(shared(`${GROCERIES}/train.csv.gz`), builder);
    const nTrain = builder.build().count;
    await readOrdersCsv(shared(`${GROCERIES}/test.csv.gz`), builder);
    const both = builder.build();
    const tr = trainingOrders(sliceBaskets(both, 0, nTrain));
    const te = sliceBaskets(both, nTrain, both.count);
    for (const kind of BASELINES) {
      const script = execFileSync(process.execPath, [shared('bench/eval.mjs'), '--train', shared(`${GROCERIES}/train.csv.gz`), '--test', shared(`${GROCERIES}/test.csv.gz`), '--baseline', kind === 'cocount' ? 'cooc' : kind]);
      const expected = JSON.parse(script.toString()) as Record<string, number>;
      const got = evaluate(tr, te, baseline(tr, kind));
      expect({kind, ...got}).toMatchObject({kind, hr: expected.hr, precision: expected.precision, recall: expected.recall, ndcg: expected.ndcg, coverage: expected.coverage, queries: expected.queries});
    }
  }, 60_000);
});

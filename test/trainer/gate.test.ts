import {describe, expect, it} from 'vitest';
import type {BaselineName} from '../../trainer/evaluate';
import type {ListSlice} from '../../trainer/gate';
import {GATE_LOSS_SE, gainHolds, listGate} from '../../trainer/gate';

/** Per-query figures around `mean`, alternating ±jitter: a standard error of about jitter / sqrt(queries). */
const around = (mean: number, queries = 200, jitter = 0.01) => Array.from({length: queries}, (_, q) => mean + (q % 2 ? jitter : -jitter));

describe('gain over the rolling-origin slices (both protocols)', () => {
  it.each([
    ['wins every slice', [0.3, 0.31, 0.29], true],
    ['ties every slice', [0.25, 0.25, 0.25], true],
    ['wins two, loses one within the noise', [0.3, 0.3, 0.2499], true],
    ['wins one slice by far and loses the other two', [0.9, 0.24, 0.24], false],
    ['wins one slice by far and loses the other two within the noise', [0.9, 0.2499, 0.2499], false],
    ['wins two, loses one clearly', [0.3, 0.3, 0.2], false],
  ] as const)('%s', (_name, candidate, holds) => {
    const slices = candidate.map((c) => ({candidate: around(c), base: around(0.25, 200, 0.02)}));
    const verdict = gainHolds(slices);
    expect(verdict.holds).toBe(holds);
    expect(verdict.slices).toHaveLength(3);
  });

  it('reads a loss beyond GATE_LOSS_SE standard errors as significant', () => {
    // Base alternates ±0.01 against a flat candidate: a per-query difference of ±0.01 around the mean gap.
    const slice = (gap: number) => ({candidate: Array.from({length: 400}, () => 0.25 + gap), base: around(0.25, 400)});
    const se = gainHolds([slice(0)]).slices[0].se;
    expect(gainHolds([slice(0.01), slice(0.01), slice(-(GATE_LOSS_SE - 0.5) * se)]).holds).toBe(true);
    expect(gainHolds([slice(0.01), slice(0.01), slice(-(GATE_LOSS_SE + 0.5) * se)]).holds).toBe(false);
  });
});

/** A slice of `queries` where every query of `name` scores `ndcg` (per-query figures as the gate reads them). */
const slice = (figures: Record<'model' | BaselineName, number>, queries = 200, jitter = 0.01): ListSlice =>
  Object.fromEntries(
    Object.entries(figures).map(([name, ndcg]) => {
      const perQuery = Array.from({length: queries}, (_, q) => ndcg + (q % 2 ? jitter : -jitter));
      return [name, {metrics: {hr: 0, precision: 0, recall: 0, ndcg, coverage: 0, queries}, perQuery}];
    }),
  ) as ListSlice;
const coverage = {model: 0.6, popularity: 0.01, cocount: 0.6, lift: 0.8, jaccard: 0.9};

describe('gate over rolling-origin slices', () => {
  const base = {popularity: 0.3, cocount: 0.33, lift: 0.1, jaccard: 0.2};
  it.each([
    ['model beats every baseline on every slice', [0.4, 0.41, 0.39], coverage, 'model'],
    ['a tie goes to the model', [0.33, 0.33, 0.33], coverage, 'model'],
    ['co-count wins every slice', [0.3, 0.31, 0.32], coverage, 'cocount'],
    ['a model that wins one slice and loses the others is not published', [0.45, 0.3, 0.31], coverage, 'cocount'],
    ['a model that loses one slice clearly is not published', [0.36, 0.36, 0.31], coverage, 'cocount'],
    ['a model below co-count coverage is not published', [0.4, 0.4, 0.4], {...coverage, model: 0.5}, 'cocount'],
    ['popularity is never published: it covers nothing', [0.32, 0.32, 0.32], {...coverage, lift: 0.1, jaccard: 0.1}, 'cocount'],
  ] as const)('%s', (_name, model, cov, kind) => {
    const decision = listGate(model.map((ndcg) => slice({model: ndcg, ...base})), cov);
    expect(decision.kind).toBe(kind);
    expect(decision.gate).toContain(kind === 'model' ? 'published the model' : `published ${kind}`);
  });

  it('jaccard, the best covering baseline, is what a losing model gives way to', () => {
    const decision = listGate([0, 1, 2].map(() => slice({model: 0.2, popularity: 0.3, cocount: 0.25, lift: 0.1, jaccard: 0.31})), coverage);
    expect(decision).toMatchObject({kind: 'jaccard', baseline: 'jaccard'});
  });

  it('says there was nothing to compare when the slices have no queries', () => {
    const none = slice({model: 0, popularity: 0, cocount: 0, lift: 0, jaccard: 0}, 0);
    const decision = listGate([none, none, none], coverage);
    expect(decision).toMatchObject({kind: 'model', gate: expect.stringContaining('nothing to compare')});
  });
});


import {describe, expect, it} from 'vitest';
import {seededRandom} from '../../../domain/random';
import {estimateUplift, MIN_VISITORS_PER_ARM} from '../../../server/analytics/uplift';
import type {ArmTotals} from '../../../server/analytics/uplift';

/** Seeded, so every run of this test sees the same traffic. */
const random = seededRandom;

const BASE_CONVERSION = 0.04;
const MEAN_ORDER = 60;

/**
 * One period of simulated traffic: each visitor is held out with `share`, converts with 4% (times 1 + uplift
 * when exposed) and then spends an exponential amount with mean $60, so the true RPV uplift is `uplift` exactly.
 */
function simulate(seed: number, visitors: number, share: number, uplift: number): {exposed: ArmTotals; holdout: ArmTotals} {
  const next = random(seed);
  const arm = (): ArmTotals => ({visitors: 0, converted: 0, orders: 0, revenue: 0, revenueSquares: 0});
  const exposed = arm();
  const holdout = arm();
  for (let i = 0; i < visitors; i++) {
    const held = next() < share;
    const a = held ? holdout : exposed;
    a.visitors += 1;
    if (next() < BASE_CONVERSION * (held ? 1 : 1 + uplift)) {
      const spend = -MEAN_ORDER * Math.log(1 - next());
      a.converted += 1;
      a.orders += 1;
      a.revenue += spend;
      a.revenueSquares += spend * spend;
    }
  }
  return {exposed, holdout};
}

const RUNS = 600;
const TRUE_RPV = BASE_CONVERSION * MEAN_ORDER;

function coverage(uplift: number) {
  let covered = 0;
  let excludesZero = 0;
  let conversionCovered = 0;
  for (let seed = 1; seed <= RUNS; seed++) {
    const {exposed, holdout} = simulate(seed, 20_000, 0.2, uplift);
    const est = estimateUplift(exposed, holdout, 0.2);
    const rpv = est.revenuePerVisitor!.absolute;
    const truth = TRUE_RPV * uplift;
    if (rpv.low <= truth && truth <= rpv.high) covered += 1;
    if (rpv.low > 0 || rpv.high < 0) excludesZero += 1;
    const conv = est.conversion!.absolute;
    const convTruth = BASE_CONVERSION * uplift;
    if (conv.low <= convTruth && convTruth <= conv.high) conversionCovered += 1;
  }
  return {rpv: covered / RUNS, conversion: conversionCovered / RUNS, excludesZero: excludesZero / RUNS};
}

describe('estimateUplift', () => {
  // 600 runs: the standard error of a 95% coverage is 0.9 points, so 92-98% is about three of them.
  it('with a planted +8% RPV uplift, the 95% intervals cover the truth in about 95% of runs', () => {
    const c = coverage(0.08);
    console.log(`planted +8%: RPV interval covers ${(c.rpv * 100).toFixed(1)}%, conversion interval ${(c.conversion * 100).toFixed(1)}%`);
    expect(c.rpv).toBeGreaterThan(0.92);
    expect(c.rpv).toBeLessThan(0.98);
    expect(c.conversion).toBeGreaterThan(0.92);
    expect(c.conversion).toBeLessThan(0.98);
  });

  it('with no uplift, the RPV interval excludes 0 in about 5% of runs', () => {
    const c = coverage(0);
    console.log(`no uplift: RPV interval excludes 0 in ${(c.excludesZero * 100).toFixed(1)}%`);
    expect(c.excludesZero).toBeGreaterThan(0.02);
    expect(c.excludesZero).toBeLessThan(0.08);
  });

  it('says not enough data, with the visitors still needed, until the arms are large enough', () => {
    const small = simulate(7, MIN_VISITORS_PER_ARM * 2, 0.2, 0.08);
    const est = estimateUplift(small.exposed, small.holdout, 0.2);
    expect(est.revenuePerVisitor).toBeNull();
    expect(est.informative).toBe(false);
    expect(est.power.visitorsStillNeeded).toBeGreaterThan(10_000);

    // The power estimate is about right: at the visitors it asks for, a 10% uplift's interval excludes 0 in ~80% of runs.
    const needed = estimateUplift(...Object.values(simulate(8, 50_000, 0.2, 0)) as [ArmTotals, ArmTotals], 0.2).power.visitorsNeeded!;
    let detected = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const run = simulate(1000 + seed, needed, 0.2, 0.1);
      if (estimateUplift(run.exposed, run.holdout, 0.2).revenuePerVisitor!.absolute.low > 0) detected += 1;
    }
    console.log(`power: ${needed} visitors detect +10% in ${((detected / 200) * 100).toFixed(0)}% of runs`);
    expect(detected / 200).toBeGreaterThan(0.7);
    expect(detected / 200).toBeLessThan(0.9);
  });

  it('per arm: conversion, RPV and AOV from the sums', () => {
    const arm = (visitors: number, orders: number, revenue: number): ArmTotals => ({visitors, converted: orders, orders, revenue, revenueSquares: revenue * 50});
    const est = estimateUplift(arm(1000, 50, 3000), arm(250, 10, 500), 0.2);
    expect(est.exposed).toEqual({visitors: 1000, orders: 50, conversionRate: 0.05, revenuePerVisitor: 3, averageOrderValue: 60});
    expect(est.holdout).toEqual({visitors: 250, orders: 10, conversionRate: 0.04, revenuePerVisitor: 2, averageOrderValue: 50});
    expect(est.revenuePerVisitor!.absolute.estimate).toBeCloseTo(1);
    expect(est.revenuePerVisitor!.relative.estimate).toBeCloseTo(0.5);
  });
});

/**
 * The holdout experiment's estimate, from per-arm sums only (so it is computed in SQL-sized memory whatever the
 * traffic): conversion, revenue per visitor (RPV) and average order value per arm, and the uplift of the exposed
 * arm over the holdout with 95% intervals.
 *
 * Intervals use the normal quantile 1.96 rather than Student's t: the estimate is shown only once each arm has
 * MIN_VISITORS_PER_ARM visitors, where Welch's degrees of freedom are in the hundreds and t(0.975) is within 1%
 * of 1.96 (t at 200 df is 1.972). test/server/analytics/uplift.test.ts measures the coverage this gives.
 */

const Z_975 = 1.959963984540054;
const Z_80 = 0.8416212335729143;
/** Below this many visitors in an arm, the normal approximation is not trusted and nothing is estimated. */
export const MIN_VISITORS_PER_ARM = 200;

/** One arm's sums: visitors, visitors who ordered, orders, and revenue summed plainly and squared per visitor. */
export interface ArmTotals {
  visitors: number;
  converted: number;
  orders: number;
  revenue: number;
  /** Sum over visitors of (that visitor's revenue)^2, for the variance of RPV. */
  revenueSquares: number;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface ArmSummary {
  visitors: number;
  orders: number;
  conversionRate: number;
  revenuePerVisitor: number;
  averageOrderValue: number | null;
}

export interface UpliftEstimate {
  exposed: ArmSummary;
  holdout: ArmSummary;
  /** Null until both arms have MIN_VISITORS_PER_ARM visitors and some revenue. */
  conversion: {absolute: Interval; relative: Interval} | null;
  revenuePerVisitor: {absolute: Interval; relative: Interval} | null;
  /** Visitors in all (both arms at this share) needed to detect `effect` on RPV with 80% power, and how many more. */
  power: {effect: number; visitorsNeeded: number | null; visitorsStillNeeded: number | null};
  /** True when the RPV interval is narrower than ±effect of the holdout's RPV: the answer means something. */
  informative: boolean;
}

const summary = (a: ArmTotals): ArmSummary => ({
  visitors: a.visitors,
  orders: a.orders,
  conversionRate: a.visitors ? a.converted / a.visitors : 0,
  revenuePerVisitor: a.visitors ? a.revenue / a.visitors : 0,
  averageOrderValue: a.orders ? a.revenue / a.orders : null,
});

/** Sample variance of per-visitor revenue from its sums. */
const variance = (a: ArmTotals) => {
  const mean = a.revenue / a.visitors;
  return Math.max(0, (a.revenueSquares - a.visitors * mean * mean) / (a.visitors - 1));
};

const around = (estimate: number, se: number): Interval => ({estimate, low: estimate - Z_975 * se, high: estimate + Z_975 * se});

/** A relative uplift m1/m0 - 1 with its interval on the log scale (delta method), so it stays above -100%. */
function relative(m1: number, m0: number, cv1Sq: number, cv0Sq: number): Interval {
  const logSe = Math.sqrt(cv1Sq + cv0Sq);
  const log = Math.log(m1 / m0);
  return {estimate: m1 / m0 - 1, low: Math.exp(log - Z_975 * logSe) - 1, high: Math.exp(log + Z_975 * logSe) - 1};
}

/**
 * The estimate for one period. `share` is the holdout share of that period (for the power estimate) and
 * `effect` the relative RPV uplift the merchant wants to be able to see (default 10%).
 */
export function estimateUplift(exposed: ArmTotals, holdout: ArmTotals, share: number, effect = 0.1): UpliftEstimate {
  const e = summary(exposed);
  const h = summary(holdout);
  const enough = exposed.visitors >= MIN_VISITORS_PER_ARM && holdout.visitors >= MIN_VISITORS_PER_ARM;

  let conversion: UpliftEstimate['conversion'] = null;
  if (enough && e.conversionRate > 0 && h.conversionRate > 0) {
    const v1 = (e.conversionRate * (1 - e.conversionRate)) / exposed.visitors;
    const v0 = (h.conversionRate * (1 - h.conversionRate)) / holdout.visitors;
    conversion = {
      absolute: around(e.conversionRate - h.conversionRate, Math.sqrt(v1 + v0)),
      relative: relative(e.conversionRate, h.conversionRate, v1 / e.conversionRate ** 2, v0 / h.conversionRate ** 2),
    };
  }

  let rpv: UpliftEstimate['revenuePerVisitor'] = null;
  let sigmaSq: number | null = null;
  if (holdout.visitors >= 2 && exposed.visitors >= 2 && holdout.revenue > 0) {
    sigmaSq = (variance(exposed) + variance(holdout)) / 2;
  }
  if (enough && holdout.revenue > 0 && exposed.revenue > 0) {
    const v1 = variance(exposed) / exposed.visitors;
    const v0 = variance(holdout) / holdout.visitors;
    rpv = {
      absolute: around(e.revenuePerVisitor - h.revenuePerVisitor, Math.sqrt(v1 + v0)),
      relative: relative(e.revenuePerVisitor, h.revenuePerVisitor, v1 / e.revenuePerVisitor ** 2, v0 / h.revenuePerVisitor ** 2),
    };
  }

  // Two-sided 5% test, 80% power: N = (z.975 + z.8)^2 * sigma^2 * (1/(1-share) + 1/share) / (effect * RPV0)^2.
  let visitorsNeeded: number | null = null;
  if (sigmaSq !== null && share > 0 && share < 1 && h.revenuePerVisitor > 0) {
    visitorsNeeded = Math.ceil(((Z_975 + Z_80) ** 2 * sigmaSq * (1 / (1 - share) + 1 / share)) / (effect * h.revenuePerVisitor) ** 2);
  }
  const seen = exposed.visitors + holdout.visitors;
  const halfWidth = rpv ? (rpv.absolute.high - rpv.absolute.low) / 2 : Infinity;
  return {
    exposed: e,
    holdout: h,
    conversion,
    revenuePerVisitor: rpv,
    power: {effect, visitorsNeeded, visitorsStillNeeded: visitorsNeeded === null ? null : Math.max(0, visitorsNeeded - seen)},
    informative: rpv !== null && halfWidth < effect * h.revenuePerVisitor,
  };
}

import {perDb} from '../per-db';
import type {Db} from '../open';
import type {Arm} from '../../domain/experiment';
import {COUNTED_ORDER, NET_ORDER_REVENUE} from './order-revenue';

/** One arm's sums over a period: what the uplift estimate needs, and nothing per visitor. */
export interface ArmSums {
  visitors: number;
  /** Visitors with at least one counted order (not cancelled, not a test) in the period. */
  converted: number;
  orders: number;
  revenue: number;
  /** Sum over visitors of (that visitor's revenue)^2. */
  revenueSquares: number;
}

/** One arm's bundle discount over a period: the orders it applied to and what it took off them. */
export interface ArmBundleDiscount {
  orders: number;
  cost: number;
}

type SumsRow = ArmSums & {arm: Arm};
const none = (): ArmSums => ({visitors: 0, converted: 0, orders: 0, revenue: 0, revenueSquares: 0});

/**
 * experiment_visitors: who was counted in each period (the first product-page view with a block), and the
 * per-arm sums of their orders. Orders count only for visitors counted in the same period: a visitor who
 * never viewed a page with a block was neither shown nor denied anything. Revenue is net of refunds and edits
 * (order-revenue.ts); test orders never count.
 */
function createExperimentVisitorsRepo(db: Db) {
  const insert = db.prepare<[number, string, Arm, string]>(
    'INSERT INTO experiment_visitors (period, visitor_id, arm, first_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const sums = db.prepare<{period: number}, SumsRow>(
    `SELECT v.arm AS arm, count(*) AS visitors, coalesce(sum(o.orders > 0), 0) AS converted,
       coalesce(sum(o.orders), 0) AS orders, coalesce(sum(o.revenue), 0) AS revenue,
       coalesce(sum(o.revenue * o.revenue), 0) AS revenueSquares
     FROM experiment_visitors v
     LEFT JOIN (
       SELECT e.visitor_id, count(*) AS orders, coalesce(sum(${NET_ORDER_REVENUE}), 0) AS revenue
       FROM experiment_orders e JOIN orders o ON o.order_id = e.order_id
       WHERE e.period = @period AND ${COUNTED_ORDER}
       GROUP BY e.visitor_id
     ) o ON o.visitor_id = v.visitor_id
     WHERE v.period = @period
     GROUP BY v.arm`,
  );
  // The same orders as `sums` counts (counted visitors of the period, counted orders), with their lines' bundle discount.
  const bundleDiscount = db.prepare<{period: number}, ArmBundleDiscount & {arm: Arm}>(
    `SELECT v.arm AS arm, coalesce(sum(d.cost > 0), 0) AS orders, coalesce(sum(d.cost), 0) AS cost
     FROM experiment_visitors v
     JOIN (
       SELECT e.visitor_id, (SELECT sum(l.bundle_discount) FROM order_lines l WHERE l.order_id = o.order_id) AS cost
       FROM experiment_orders e JOIN orders o ON o.order_id = e.order_id
       WHERE e.period = @period AND ${COUNTED_ORDER}
     ) d ON d.visitor_id = v.visitor_id
     WHERE v.period = @period
     GROUP BY v.arm`,
  );
  const currency = db.prepare<{period: number}, {currency: string | null}>(
    `SELECT max(o.currency) AS currency FROM experiment_orders e JOIN orders o ON o.order_id = e.order_id WHERE e.period = @period`,
  );
  return {
    /** Counts a visitor once per period; true when this call counted it (false: already counted). */
    record: (period: number, visitorId: string, arm: Arm, at = new Date()): boolean =>
      insert.run(period, visitorId, arm, at.toISOString()).changes === 1,
    /** Both arms' sums for a period (zeros for an arm nobody is in yet). */
    sums(period: number): Record<Arm, ArmSums> {
      const out: Record<Arm, ArmSums> = {exposed: none(), holdout: none()};
      for (const {arm, ...row} of sums.all({period})) out[arm] = row;
      return out;
    },
    /** Both arms' bundle discount for a period (zeros for an arm without any). */
    bundleDiscount(period: number): Record<Arm, ArmBundleDiscount> {
      const out: Record<Arm, ArmBundleDiscount> = {exposed: {orders: 0, cost: 0}, holdout: {orders: 0, cost: 0}};
      for (const {arm, ...row} of bundleDiscount.all({period})) out[arm] = row;
      return out;
    },
    /** The currency of the period's orders (a shop sells in one), null before the first order. */
    currency: (period: number): string | null => currency.get({period})?.currency ?? null,
  };
}

export const experimentVisitorsRepo = perDb(createExperimentVisitorsRepo);

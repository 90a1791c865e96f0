import {perDb} from '../per-db';
import type {Db} from '../open';
import {COUNTED_ORDER, NET_ORDER_REVENUE} from './order-revenue';

export type EventType = 'rendered' | 'viewed' | 'clicked' | 'added';

export interface EventCount {
  day: string;
  block: string;
  type: EventType;
  count: number;
}

export interface AttributedDay {
  day: string;
  block: string;
  /** Orders with at least one line added from this block. */
  orders: number;
  /** Sum of remaining quantity x price of those lines (not the whole order: only what the block sold and was kept). */
  revenue: number;
}

export interface BundleDiscountDay {
  day: string;
  /** Orders the bundle discount applied to (a line with some of it left after refunds). */
  orders: number;
  /** What it took off those orders: its allocations on the units they still hold. */
  cost: number;
  /** What those orders brought in, after every discount and refund (order-revenue.ts). */
  revenue: number;
}

/**
 * Read side of `events` (written by the storefront proxy) and of attribution (`order_lines.pairwise_block`,
 * set from the `_pairwise` line property). Cancelled and test orders are left out. Days are UTC `YYYY-MM-DD`; both ends inclusive.
 */
function createAnalyticsRepo(db: Db) {
  const events = db.prepare<[string, string], EventCount>(
    `SELECT day, block, type, count(*) AS count FROM events WHERE day BETWEEN ? AND ?
     GROUP BY day, block, type ORDER BY day, block, type`,
  );
  const attributed = db.prepare<[string, string], AttributedDay>(
    `SELECT substr(o.created_at, 1, 10) AS day, l.pairwise_block AS block, count(DISTINCT o.order_id) AS orders,
       coalesce(sum(l.quantity * l.price), 0) AS revenue
     FROM order_lines l JOIN orders o ON o.order_id = l.order_id
     WHERE l.pairwise_block IS NOT NULL AND ${COUNTED_ORDER} AND substr(o.created_at, 1, 10) BETWEEN ? AND ?
     GROUP BY day, block ORDER BY day, block`,
  );
  const storeRevenue = db.prepare<[string, string], {orders: number; revenue: number; currency: string | null}>(
    `SELECT count(*) AS orders, coalesce(sum(${NET_ORDER_REVENUE}), 0) AS revenue, max(o.currency) AS currency FROM orders o
     WHERE ${COUNTED_ORDER} AND substr(o.created_at, 1, 10) BETWEEN ? AND ?`,
  );
  // Driven from the range's orders, each order's lines found by the (order_id, line_id) key.
  const bundleDiscount = db.prepare<[string, string], BundleDiscountDay>(
    `SELECT day, count(*) AS orders, sum(cost) AS cost, sum(revenue) AS revenue FROM (
       SELECT substr(o.created_at, 1, 10) AS day, ${NET_ORDER_REVENUE} AS revenue,
         (SELECT sum(l.bundle_discount) FROM order_lines l WHERE l.order_id = o.order_id) AS cost
       FROM orders o WHERE ${COUNTED_ORDER} AND substr(o.created_at, 1, 10) BETWEEN ? AND ?
     ) WHERE cost > 0 GROUP BY day ORDER BY day`,
  );
  const testOrders = db.prepare<[string, string], {orders: number}>(
    `SELECT count(*) AS orders FROM orders WHERE test = 1 AND substr(created_at, 1, 10) BETWEEN ? AND ?`,
  );
  const lastEventDay = db.prepare<[], {day: string | null}>('SELECT max(day) AS day FROM events');
  const lastOrderDay = db.prepare<[], {day: string | null}>('SELECT substr(max(created_at), 1, 10) AS day FROM orders');
  return {
    events: (from: string, to: string): EventCount[] => events.all(from, to),
    attributed: (from: string, to: string): AttributedDay[] => attributed.all(from, to),
    /** All counted orders in the range (net of refunds), to put attributed revenue in proportion. */
    storeRevenue: (from: string, to: string) => storeRevenue.get(from, to)!,
    /** Per day, the orders the bundle discount applied to and what it cost (cancelled and test orders left out). */
    bundleDiscount: (from: string, to: string): BundleDiscountDay[] => bundleDiscount.all(from, to),
    /** Test-mode orders in the range: left out of everything above, counted so the admin can say so. */
    testOrders: (from: string, to: string): number => testOrders.get(from, to)!.orders,
    /** The latest day with any data, so a store whose data stopped (or a demo) still shows its last weeks. */
    lastDay(): string | null {
      const e = lastEventDay.get()!.day;
      const o = lastOrderDay.get()!.day;
      if (!e) return o;
      if (!o) return e;
      return e > o ? e : o;
    },
  };
}

export const analyticsRepo = perDb(createAnalyticsRepo);

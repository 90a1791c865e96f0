import {randomUUID} from 'node:crypto';
import {armFor} from '../../../domain/experiment';
import type {Arm} from '../../../domain/experiment';
import {seededRandom} from '../../../domain/random';
import type {Db} from '../../../storage/open';
import {experimentOrdersRepo} from '../../../storage/repos/experiment-orders';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {experimentVisitorsRepo} from '../../../storage/repos/experiment-visitors';
import {ordersRepo} from '../../../storage/repos/orders';

/** What the seeded experiment holds, counted as it was planted (not read back from the app). */
export type PlantedExperiment = Record<Arm, {visitors: number; orders: number; revenue: number; bundleOrders: number; bundleDiscount: number}>;

/**
 * A running experiment period at `share` with `visitors` counted visitors; a quarter of them order once, at
 * `orderedAt` (custom-item orders, so training and attribution do not see them), exposed ones spending `lift` more.
 * With `bundleDiscount` (a fraction), every fourth order got that share of its amount off as the bundle discount.
 */
export function seedExperiment(db: Db, opts: {share: number; visitors: number; lift: number; firstOrderId: number; orderedAt: string; seed?: number; bundleDiscount?: number}): PlantedExperiment {
  const random = seededRandom(opts.seed ?? 7);
  const period = experimentPeriodsRepo(db).forShare(opts.share, new Date(Date.now() - 12 * 86_400_000));
  const planted: PlantedExperiment = {
    exposed: {visitors: 0, orders: 0, revenue: 0, bundleOrders: 0, bundleDiscount: 0},
    holdout: {visitors: 0, orders: 0, revenue: 0, bundleOrders: 0, bundleDiscount: 0},
  };
  let orderId = opts.firstOrderId;
  db.transaction(() => {
    for (let i = 0; i < opts.visitors; i++) {
      const visitor = randomUUID();
      const arm = armFor(period, visitor);
      experimentVisitorsRepo(db).record(period.period, visitor, arm);
      planted[arm].visitors++;
      if (random() >= 0.25) continue;
      const amount = Math.round((20 + random() * 60) * (arm === 'exposed' ? 1 + opts.lift : 1) * 100) / 100;
      const bundleDiscount = opts.bundleDiscount && (orderId + 1) % 4 === 0 ? Math.round(amount * opts.bundleDiscount * 100) / 100 : 0;
      ordersRepo(db).upsert({
        orderId: ++orderId, name: null, createdAt: opts.orderedAt, updatedAt: opts.orderedAt, cancelledAt: null, currency: 'EUR', totalPrice: amount,
        customerHash: null, source: 'demo',
        lines: [{lineId: 1, productId: null, variantId: null, quantity: 1, price: amount, pairwiseBlock: null, pairwiseAnchor: null, bundleDiscount}],
      });
      if (bundleDiscount > 0) {
        planted[arm].bundleOrders++;
        planted[arm].bundleDiscount += bundleDiscount;
      }
      experimentOrdersRepo(db).record({orderId, period: period.period, visitorId: visitor, arm});
      planted[arm].orders++;
      planted[arm].revenue += amount;
    }
  })();
  return planted;
}

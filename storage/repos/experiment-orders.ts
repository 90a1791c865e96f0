import {perDb} from '../per-db';
import {exactIdColumn, idFrom} from '../exact-id';
import type {ShopifyId} from '../../domain/shopify-id';
import type {Db} from '../open';
import type {Arm} from '../../domain/experiment';

export interface ExperimentOrder {
  orderId: ShopifyId;
  period: number;
  visitorId: string;
  arm: Arm;
  /** Where the visitor came from: the order's cart attributes (default), or a web pixel claim matched by checkout token. */
  source?: ExperimentOrderSource;
}

export type ExperimentOrderSource = 'cart' | 'pixel';

/**
 * experiment_orders: the experiment visitor and derived arm of each order that carried one. The cart's attributes
 * replace whatever a pixel claimed; a pixel claim is recorded only for an order that has no visitor yet.
 */
function createExperimentOrdersRepo(db: Db) {
  const put = db.prepare<[ShopifyId, number, string, string, ExperimentOrderSource]>(
    `INSERT INTO experiment_orders (order_id, period, visitor_id, arm, source) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (order_id) DO UPDATE SET period = excluded.period, visitor_id = excluded.visitor_id, arm = excluded.arm, source = excluded.source
     WHERE excluded.source = 'cart'`,
  );
  const get = db.prepare<[ShopifyId], {order_id: number | string; period: number; visitor_id: string; arm: Arm; source: ExperimentOrderSource}>(
    `SELECT ${exactIdColumn('order_id')} AS order_id, period, visitor_id, arm, source FROM experiment_orders WHERE order_id = ?`,
  );
  return {
    record: (o: ExperimentOrder): void => void put.run(o.orderId, o.period, o.visitorId, o.arm, o.source ?? 'cart'),
    get(orderId: ShopifyId): ExperimentOrder | undefined {
      const r = get.get(orderId);
      return r && {orderId: idFrom(r.order_id), period: r.period, visitorId: r.visitor_id, arm: r.arm, source: r.source};
    },
  };
}

export const experimentOrdersRepo = perDb(createExperimentOrdersRepo);

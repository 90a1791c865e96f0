import {perDb} from '../per-db';
import type {ShopifyId} from '../../domain/shopify-id';
import type {Db} from '../open';

export interface RefundRecord {
  refundId: ShopifyId;
  orderId: ShopifyId;
  /** Money returned to the buyer by this refund (its successful `refund` transactions). */
  amount: number;
  createdAt: string;
}

/** order_refunds: one row per refund, whether refunds/create or the order's own `refunds` brought it first. */
function createRefundsRepo(db: Db) {
  const put = db.prepare<[ShopifyId, ShopifyId, number, string]>(
    `INSERT INTO order_refunds (refund_id, order_id, amount, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (refund_id) DO UPDATE SET order_id = excluded.order_id, amount = excluded.amount, created_at = excluded.created_at`,
  );
  return {
    record: (r: RefundRecord): void => void put.run(r.refundId, r.orderId, r.amount, r.createdAt),
  };
}

export const refundsRepo = perDb(createRefundsRepo);

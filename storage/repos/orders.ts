import {perDb} from '../per-db';
import {exactIdColumn, idFrom} from '../exact-id';
import type {ShopifyId} from '../../domain/shopify-id';
import type {Db} from '../open';
import {tombstonesRepo} from './tombstones';

/** Order, line and customer ids are exact (ShopifyId); product ids are JS numbers, refused past 2^53 at ingest. */
export interface OrderLineRecord {
  lineId: ShopifyId;
  /** null for custom items and lines whose product was deleted: kept for revenue, skipped by training. */
  productId: number | null;
  variantId: number | null;
  /** What remains of the line after edits and refunds (`current_quantity`; 0 when all of it went). */
  quantity: number;
  price: number | null;
  /** From the `_pairwise` line item property ("<block>:<anchor product id>"): attribution. */
  pairwiseBlock: string | null;
  pairwiseAnchor: number | null;
  /** What the bundle discount took off the units that remain (domain/bundle-discount.ts); absent: 0. */
  bundleDiscount?: number;
}

export interface OrderRecord {
  orderId: ShopifyId;
  name: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  currency: string | null;
  totalPrice: number | null;
  /** The total after edits, returns and refunds, where the source carries it (`current_total_price`); absent: null. */
  currentTotalPrice?: number | null;
  /** Placed in test mode: kept, but left out of training and analytics; absent: false. */
  test?: boolean;
  customerHash: string | null;
  source: 'webhook' | 'backfill' | 'demo';
  lines: OrderLineRecord[];
}

export type UpsertOutcome = 'applied' | 'stale';

/** orders and order_lines of one shop's file. */
function createOrdersRepo(db: Db) {
  const tombstones = tombstonesRepo(db);
  const storedUpdatedAt = db.prepare<[ShopifyId], {updated_at: string}>('SELECT updated_at FROM orders WHERE order_id = ?');
  const upsert = db.prepare(
    `INSERT INTO orders (order_id, name, created_at, updated_at, cancelled_at, currency, total_price, current_total_price, test, customer_hash, source)
     VALUES (@orderId, @name, @createdAt, @updatedAt, @cancelledAt, @currency, @totalPrice, @currentTotalPrice, @test, @customerHash, @source)
     ON CONFLICT (order_id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at,
       updated_at = excluded.updated_at, cancelled_at = excluded.cancelled_at, currency = excluded.currency,
       total_price = excluded.total_price, current_total_price = excluded.current_total_price, test = excluded.test,
       customer_hash = excluded.customer_hash`,
  );
  const deleteLines = db.prepare('DELETE FROM order_lines WHERE order_id = ?');
  const insertLine = db.prepare(
    `INSERT INTO order_lines (order_id, line_id, product_id, variant_id, quantity, price, pairwise_block, pairwise_anchor, bundle_discount)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const remove = db.prepare('DELETE FROM orders WHERE order_id = ?');
  const counts = db.prepare<[], {orders: number; cancelled: number; test: number; first: string | null; last: string | null}>(
    `SELECT count(*) AS orders, count(cancelled_at) AS cancelled, coalesce(sum(test), 0) AS test, min(created_at) AS first, max(created_at) AS last FROM orders`,
  );
  const byCustomer = db.prepare<[string], {order_id: number | string}>(`SELECT ${exactIdColumn('order_id')} AS order_id FROM orders WHERE customer_hash = ?`);
  const unlinkCustomer = db.prepare('UPDATE orders SET customer_hash = NULL WHERE customer_hash = ?');
  const unlinkOrder = db.prepare('UPDATE orders SET customer_hash = NULL WHERE order_id = ?');
  const deleteBefore = db.prepare('DELETE FROM orders WHERE created_at < ?');
  const getOrder = db.prepare<[ShopifyId], {order_id: number | string; updated_at: string; cancelled_at: string | null; customer_hash: string | null}>(
    `SELECT ${exactIdColumn('order_id')} AS order_id, updated_at, cancelled_at, customer_hash FROM orders WHERE order_id = ?`,
  );
  const getLines = db.prepare<[ShopifyId], {line_id: number | string; product_id: number | null; quantity: number; price: number | null; pairwise_block: string | null; bundle_discount: number}>(
    `SELECT ${exactIdColumn('line_id')} AS line_id, product_id, quantity, price, pairwise_block, bundle_discount FROM order_lines WHERE order_id = ? ORDER BY order_lines.line_id`,
  );

  return {
    /**
     * Inserts or replaces an order with its lines, unless what is stored is newer: Shopify does not deliver
     * webhooks in order, and a bulk backfill can overlap live webhooks. Call inside a transaction.
     */
    upsert(order: OrderRecord): UpsertOutcome {
      if (tombstones.has('order', order.orderId)) return 'stale';
      const stored = storedUpdatedAt.get(order.orderId);
      if (stored && Date.parse(stored.updated_at) > Date.parse(order.updatedAt)) return 'stale';
      const {lines, ...row} = order;
      upsert.run({...row, currentTotalPrice: order.currentTotalPrice ?? null, test: order.test ? 1 : 0});
      deleteLines.run(order.orderId);
      for (const l of lines) {
        insertLine.run(order.orderId, l.lineId, l.productId, l.variantId, l.quantity, l.price, l.pairwiseBlock, l.pairwiseAnchor, l.bundleDiscount ?? 0);
      }
      return 'applied';
    },
    /** Deletes the order and remembers it was deleted. Call inside a transaction. */
    remove(orderId: ShopifyId): boolean {
      tombstones.add('order', orderId);
      return remove.run(orderId).changes > 0;
    },
    get(orderId: ShopifyId) {
      const order = getOrder.get(orderId);
      return order && {...order, order_id: idFrom(order.order_id), lines: getLines.all(orderId).map((l) => ({...l, line_id: idFrom(l.line_id)}))};
    },
    counts: () => counts.get()!,
    /** Data retention: orders created before `iso` go, with their lines. */
    deleteCreatedBefore: (iso: string): number => deleteBefore.run(iso).changes,
    idsForCustomer: (customerHash: string): ShopifyId[] => byCustomer.all(customerHash).map((r) => idFrom(r.order_id)),
    /** customers/redact: forget which orders were this customer's (the orders stay: they hold no PII). */
    unlinkCustomer(customerHash: string, orderIds: ShopifyId[]): number {
      let changed = unlinkCustomer.run(customerHash).changes;
      for (const id of orderIds) changed += unlinkOrder.run(id).changes;
      return changed;
    },
  };
}

export const ordersRepo = perDb(createOrdersRepo);

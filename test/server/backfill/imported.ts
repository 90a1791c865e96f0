import {expect} from 'vitest';
import type {Store, StoreOrder} from '../../../devkit/store-generator';
import {customerHash} from '../../../server/webhooks/orders';
import type {Db} from '../../../storage/open';

const iso = (time: string) => new Date(time).toISOString();

/**
 * Every order, line and product as the generator made them, against what a shop database holds after a
 * backfill (nothing more, nothing less), and no staged line left behind.
 */
export function expectImported(db: Db, customerSalt: string, store: Store, orders: StoreOrder[]): void {
  expect(db.prepare('SELECT order_id, created_at, cancelled_at, customer_hash FROM orders ORDER BY order_id').all()).toEqual(
    orders.map((o) => ({
      order_id: o.id, created_at: iso(o.createdAt), cancelled_at: o.cancelledAt && iso(o.cancelledAt),
      customer_hash: o.customerId === null ? null : customerHash(customerSalt, o.customerId),
    })).sort((a, b) => a.order_id - b.order_id),
  );
  expect(db.prepare('SELECT order_id, line_id, product_id, variant_id, quantity, price FROM order_lines ORDER BY order_id, line_id').all()).toEqual(
    orders.flatMap((o) => o.lines.map((l) => ({
      order_id: o.id, line_id: l.id, product_id: l.productId, variant_id: l.variantId, quantity: l.quantity, price: Number(l.price),
    }))).sort((a, b) => a.order_id - b.order_id || a.line_id - b.line_id),
  );
  expect(db.prepare('SELECT product_id, handle, status, available, price, gift_card FROM products ORDER BY product_id').all()).toEqual(
    store.products.map((p) => ({
      product_id: p.id, handle: p.handle, status: p.status, available: p.available ? 1 : 0,
      price: Number(p.price), gift_card: p.giftCard ? 1 : 0,
    })).sort((a, b) => a.product_id - b.product_id),
  );
  expect(db.prepare('SELECT count(*) AS n FROM bulk_staging').get()).toEqual({n: 0});
}

/**
 * Mid-apply: the orders up to the backfill's cursor (applied_through) are applied, each with all its lines, and
 * none above it; the lines of those above are all still staged, each once, and those at or below it are not.
 */
export function expectAppliedThrough(db: Db, orders: StoreOrder[], backfillId: number): {applied: number; waiting: number} {
  const {applied_through: through} = db.prepare<[number], {applied_through: number}>('SELECT applied_through FROM backfills WHERE id = ?').get(backfillId)!;
  const done = orders.filter((o) => o.id <= through);
  const waiting = orders.filter((o) => o.id > through);
  expect(db.prepare<[], {order_id: number}>('SELECT order_id FROM orders ORDER BY order_id').all().map((r) => r.order_id)).toEqual(done.map((o) => o.id).sort((a, b) => a - b));
  const lines = db.prepare<[number], {n: number}>('SELECT count(*) AS n FROM order_lines WHERE order_id = ?');
  for (const o of done) expect(lines.get(o.id)!.n).toBe(o.lines.length);
  const parents = db.prepare<[number], {object_id: number}>('SELECT object_id FROM bulk_staging WHERE backfill_id = ? AND parent_id = 0 ORDER BY object_id').all(backfillId);
  expect(parents.map((r) => r.object_id)).toEqual(waiting.map((o) => o.id).sort((a, b) => a - b));
  const stagedLines = db.prepare<[number], {object_id: number; parent_id: number}>(
    'SELECT object_id, parent_id FROM bulk_staging WHERE backfill_id = ? AND parent_id <> 0 ORDER BY parent_id, object_id',
  ).all(backfillId);
  expect(stagedLines).toEqual(
    waiting.flatMap((o) => o.lines.map((l) => ({object_id: l.id, parent_id: o.id}))).sort((a, b) => a.parent_id - b.parent_id || a.object_id - b.object_id),
  );
  return {applied: done.length, waiting: waiting.length};
}

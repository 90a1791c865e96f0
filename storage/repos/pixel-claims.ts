import {perDb} from '../per-db';
import {exactIdColumn, idFrom} from '../exact-id';
import type {ShopifyId} from '../../domain/shopify-id';
import type {Db} from '../open';

export interface PixelClaim {
  checkoutToken: string;
  orderId: ShopifyId;
  period: number;
  visitorId: string;
  receivedAt: string;
}

/** Claims a shop keeps waiting for their order's webhook; past this the oldest go (a flood cannot grow the file). */
export const MAX_WAITING_CLAIMS = 10_000;
/** A claim whose order has not arrived in this long never will: Shopify retries a webhook for 48 hours. */
export const CLAIM_TTL_MS = 3 * 24 * 3600_000;

/**
 * pixel_claims (the web pixel's word: this checkout's order was placed by this experiment visitor) and
 * order_checkouts (the signed order webhook's checkout token), which together attribute an order that skipped
 * the cart, whichever arrives first.
 */
function createPixelClaimsRepo(db: Db) {
  const insert = db.prepare<[string, ShopifyId, number, string, string]>(
    'INSERT INTO pixel_claims (checkout_token, order_id, period, visitor_id, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const expire = db.prepare<[string]>('DELETE FROM pixel_claims WHERE received_at < ?');
  const count = db.prepare<[], {n: number}>('SELECT count(*) AS n FROM pixel_claims');
  const dropOldest = db.prepare<[number]>(
    'DELETE FROM pixel_claims WHERE checkout_token IN (SELECT checkout_token FROM pixel_claims ORDER BY received_at LIMIT ?)',
  );
  const claim = db.prepare<[string], {checkout_token: string; order_id: number | string; period: number; visitor_id: string; received_at: string}>(
    `SELECT checkout_token, ${exactIdColumn('order_id')} AS order_id, period, visitor_id, received_at FROM pixel_claims WHERE checkout_token = ?`,
  );
  const remove = db.prepare<[string]>('DELETE FROM pixel_claims WHERE checkout_token = ?');
  const putCheckout = db.prepare<[ShopifyId, string]>(
    'INSERT INTO order_checkouts (order_id, checkout_token) VALUES (?, ?) ON CONFLICT (order_id) DO UPDATE SET checkout_token = excluded.checkout_token',
  );
  const orderOf = db.prepare<[string], {order_id: number | string}>(
    `SELECT ${exactIdColumn('order_id')} AS order_id FROM order_checkouts WHERE checkout_token = ? LIMIT 1`,
  );
  return {
    /** Keeps the first claim for a checkout; expired claims and any beyond MAX_WAITING_CLAIMS (oldest first) go. */
    add(c: PixelClaim): void {
      expire.run(new Date(Date.parse(c.receivedAt) - CLAIM_TTL_MS).toISOString());
      insert.run(c.checkoutToken, c.orderId, c.period, c.visitorId, c.receivedAt);
      const over = count.get()!.n - MAX_WAITING_CLAIMS;
      if (over > 0) dropOldest.run(over);
    },
    get(checkoutToken: string): PixelClaim | undefined {
      const r = claim.get(checkoutToken);
      return r && {checkoutToken: r.checkout_token, orderId: idFrom(r.order_id), period: r.period, visitorId: r.visitor_id, receivedAt: r.received_at};
    },
    remove: (checkoutToken: string): void => void remove.run(checkoutToken),
    setOrderCheckout: (orderId: ShopifyId, checkoutToken: string): void => void putCheckout.run(orderId, checkoutToken),
    /** The order the signed webhooks tied to this checkout token, if it has arrived. */
    orderOf(checkoutToken: string): ShopifyId | undefined {
      const r = orderOf.get(checkoutToken);
      return r && idFrom(r.order_id);
    },
  };
}

export const pixelClaimsRepo = perDb(createPixelClaimsRepo);

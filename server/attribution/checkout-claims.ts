import {armFor} from '../../domain/experiment';
import type {ShopifyId} from '../../domain/shopify-id';
import type {Db} from '../../storage/open';
import {experimentOrdersRepo} from '../../storage/repos/experiment-orders';
import {experimentPeriodsRepo} from '../../storage/repos/experiment-periods';
import {pixelClaimsRepo} from '../../storage/repos/pixel-claims';

/**
 * Orders that skipped the cart, attributed from the web pixel's checkout_completed (extensions/pairwise-pixel).
 * The pixel is not signed, so its claim counts only for the order whose signed webhook carries the same checkout
 * token (the pixel's `checkout.token` is the order's `checkout_token`:
 * https://shopify.dev/docs/api/checkout-ui-extensions/latest/apis/checkout-token); the arm is derived here from
 * the visitor id and the stored period, as for cart attributes; an order's cart attributes always win, and an
 * order is attributed once. Claim and webhook may arrive in either order; whichever comes second settles it.
 */

export interface CheckoutClaim {
  checkoutToken: string;
  orderId: ShopifyId;
  visitorId: string;
  period: number;
}

/** Keeps a pixel claim (first per checkout) and attributes its order if the order's webhook is already here. */
export function claimCheckout(db: Db, claim: CheckoutClaim, now = new Date()): void {
  if (!experimentPeriodsRepo(db).get(claim.period)) return;
  db.transaction(() => {
    pixelClaimsRepo(db).add({...claim, receivedAt: now.toISOString()});
    settle(db, claim.checkoutToken);
  })();
}

/** The order webhook's side: remembers the order's checkout token and settles a claim waiting for it. */
export function orderCheckout(db: Db, orderId: ShopifyId, checkoutToken: string): void {
  pixelClaimsRepo(db).setOrderCheckout(orderId, checkoutToken);
  settle(db, checkoutToken);
}

function settle(db: Db, checkoutToken: string): void {
  const claims = pixelClaimsRepo(db);
  const claim = claims.get(checkoutToken);
  const orderId = claims.orderOf(checkoutToken);
  if (!claim || orderId === undefined) return;
  // A claim naming another order than the checkout's is not believed; either way it has been answered.
  claims.remove(checkoutToken);
  const period = experimentPeriodsRepo(db).get(claim.period);
  if (claim.orderId !== orderId || !period) return;
  experimentOrdersRepo(db).record({orderId, period: period.period, visitorId: claim.visitorId, arm: armFor(period, claim.visitorId), source: 'pixel'});
}

import express from 'express';
import {RateLimiterMemory} from 'rate-limiter-flexible';
import {z} from 'zod';
import {VISITOR_ID} from '../../domain/experiment';
import type {Db} from '../../storage/open';
import type {ShopDomain} from '../../storage/shop-domain';
import {claimCheckout} from '../attribution/checkout-claims';
import {exactShopifyId} from '../webhooks/payload';
import {proxyClient} from './proxy-client';
import {beaconBody, spendBudgets} from './proxy-beacon';

export interface PixelBudgets {
  /** Claims one client (a logged-in customer, else an IP address) may send per minute: one per checkout completed. */
  clientPerMinute: number;
  /** Claims a shop may store per second, all its buyers together (a shop's checkouts per second are far fewer). */
  shopPerSecond: number;
}

const BUDGETS: PixelBudgets = {clientPerMinute: 10, shopPerSecond: 20};

const claim = z.object({
  checkout: z.string().regex(/^[\w-]{1,100}$/, 'checkout is not a checkout token'),
  order: exactShopifyId,
  visitor: z.string().regex(VISITOR_ID, 'visitor is not a storefront id'),
  period: z.number().int().positive(),
  // No arm: derived on the server from the visitor id and the period's salt and share (zod drops one if sent).
});

/**
 * `POST /proxy/pixel` `{checkout, order, visitor, period}`: the web pixel's checkout_completed
 * (extensions/pairwise-pixel). It comes through the app proxy, so the shop is the one Shopify signed; the body is
 * the browser's word, kept as a claim that counts only when the signed order webhook for that checkout token
 * names the same order (server/attribution/checkout-claims.ts). Answered 204 whatever was decided, so a sender
 * learns nothing about other checkouts. Mounted behind the app-proxy signature check, which sets
 * res.locals.proxyShop.
 */
export function pixelRouter(shopDb: (shop: ShopDomain) => Db, budgets: PixelBudgets = BUDGETS): express.Router {
  const router = express.Router();
  // Fixed windows in memory; each key is deleted when its window ends.
  const perClient = new RateLimiterMemory({points: budgets.clientPerMinute, duration: 60});
  const perShop = new RateLimiterMemory({points: budgets.shopPerSecond, duration: 1});
  router.post('/pixel', express.text({type: () => true, limit: '1kb'}), async (req, res) => {
    const shop = res.locals.proxyShop;
    const body = beaconBody(req, res, claim);
    if (!body) return;
    if (!(await spendBudgets(res, [[perClient, `${shop} ${proxyClient(req)}`], [perShop, shop]], 1, 'checkout claims'))) return;
    claimCheckout(shopDb(shop), {checkoutToken: body.checkout, orderId: body.order, visitorId: body.visitor, period: body.period});
    res.status(204).end();
  });
  return router;
}

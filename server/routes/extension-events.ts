import express from 'express';
import {Router} from 'express';
import {RateLimiterMemory} from 'rate-limiter-flexible';
import {z} from 'zod';
import type {Services} from '../services';
import {requireSessionToken} from '../auth/session-token';
import {declaredWithin} from '../declared-length';
import {eventsRepo} from '../../storage/repos/events';
import {beaconBody, spendBudgets} from './proxy-beacon';

/**
 * `POST /extension/events`: the checkout UI extension's funnel events (offer shown, link clicked, added in
 * checkout), stored in `events` beside the theme blocks' with the surface as the block, so Analytics reports
 * checkout offers beside the blocks. The extension runs on Shopify's origin, not the shop's, so it cannot use the
 * app proxy: it sends its session token (HS256 with our secret, `dest` the shop) from a `network_access` fetch,
 * and the answer carries the CORS headers such a fetch needs.
 * https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/platform-apis/session-token-api ,
 * https://shopify.dev/docs/api/checkout-ui-extensions/latest/configuration#network-access
 */
const SHOP_EVENTS_PER_SECOND = 200;
const BODY_BYTES = 8 * 1024;

const body = z.object({
  events: z
    .array(
      z.object({
        type: z.enum(['rendered', 'clicked', 'added']),
        block: z.enum(['checkout', 'thank_you', 'order_status']),
        anchor: z.string().regex(/^\d{1,15}$/).nullish(),
        product: z.string().regex(/^\d{1,15}$/),
      }),
    )
    .min(1)
    .max(10),
});

export function extensionRouter(ctx: Pick<Services, 'shopify' | 'log' | 'shopDbs'>): Router {
  const router = Router();
  const perShop = new RateLimiterMemory({points: SHOP_EVENTS_PER_SECOND, duration: 1});
  router.use((req, res, next) => {
    res.set({'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Allow-Methods': 'POST', 'Cache-Control': 'no-store'});
    if (req.method === 'OPTIONS') res.status(204).end();
    else next();
  });
  router.post('/events', requireSessionToken(ctx), declaredWithin(BODY_BYTES), express.text({type: () => true, limit: BODY_BYTES}), async (req, res) => {
    const shop = res.locals.shop;
    const parsed = beaconBody(req, res, body);
    if (!parsed) return;
    if (!(await spendBudgets(res, [[perShop, shop]], parsed.events.length, 'events'))) return;
    eventsRepo(ctx.shopDbs.get(shop)).insertMany(
      parsed.events.map((e) => ({type: e.type, block: e.block, anchorId: e.anchor ? Number(e.anchor) : null, productId: Number(e.product)})),
    );
    res.status(204).end();
  });
  return router;
}

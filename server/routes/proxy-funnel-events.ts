import express from 'express';
import {RateLimiterMemory} from 'rate-limiter-flexible';
import {z} from 'zod';
import type {Db} from '../../storage/open';
import {eventsRepo} from '../../storage/repos/events';
import {knownProductsRepo} from '../../storage/repos/known-products';
import type {ShopDomain} from '../../storage/shop-domain';
import {productId} from './api/http';
import {proxyClient} from './proxy-client';
import {beaconBody, spendBudgets} from './proxy-beacon';

/**
 * The theme blocks' funnel events (rendered, viewed, clicked, added), by either of the two ways a page sends them
 * (README, "Funnel events through the web pixel"):
 * - `POST /proxy/pixel/events`: published by the blocks with `Shopify.analytics.publish` and forwarded by the
 *   app's web pixel (extensions/pairwise-pixel), the way wherever Shopify's pixel manager runs;
 * - `POST /proxy/events`: the blocks' own beacon, only on a storefront without `Shopify.analytics.publish`.
 * A page uses one way; each event carries the page's id and its number there, stored unique, so an event that
 * reached the app both ways still counts once. Both come through the app proxy, so the shop is the one Shopify
 * signed; the rest is the browser's word: bounded per client and per shop (both ways spend the same budgets),
 * a declared body past 32 KiB is refused before it is read (app.ts), and an event naming a product this shop does
 * not have is dropped. Which arm a shopper is in is never the client's to say (zod drops a `holdout` key if sent).
 * Mounted behind the app-proxy signature check, which sets res.locals.proxyShop.
 */

const MAX_EVENTS_PER_BATCH = 50;
/** Read up to this; a body declared longer is refused before it is read, for every /proxy route (app.ts). */
const BODY_BYTES = 32 * 1024;
/** Events a shop may store per second, all its shoppers together. */
const SHOP_EVENTS_PER_SECOND = 200;
/**
 * Events one client (a logged-in customer, else an IP address) may send per 10 s: a shopper's page sends a
 * handful per view, so a client past this is a script, and it cannot use up its shop's budget for the others.
 */
const CLIENT_EVENTS_PER_10S = 100;

export const funnelEventsBody = z.object({
  events: z
    .array(
      z.object({
        type: z.enum(['rendered', 'viewed', 'clicked', 'added']),
        block: z.enum(['fbt', 'cart']),
        anchor: productId.nullish(),
        product: productId.nullish(),
        // `<the page's random UUID>:<the event's number on that page>` (extensions/pairwise/assets/pairwise-core.js).
        id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:\d{1,6}$/, 'id is not a storefront event id').nullish(),
      }),
    )
    .min(1)
    .max(MAX_EVENTS_PER_BATCH),
});

export function funnelEventsRouter(shopDb: (shop: ShopDomain) => Db): express.Router {
  const router = express.Router();
  // Fixed windows in memory; each key is deleted when its window ends, so the maps hold only the last window's clients.
  const perShop = new RateLimiterMemory({points: SHOP_EVENTS_PER_SECOND, duration: 1});
  const perClient = new RateLimiterMemory({points: CLIENT_EVENTS_PER_10S, duration: 10});
  const store: express.RequestHandler = async (req, res) => {
    const shop = res.locals.proxyShop;
    const body = beaconBody(req, res, funnelEventsBody);
    if (!body) return;
    if (!(await spendBudgets(res, [[perClient, `${shop} ${proxyClient(req)}`], [perShop, shop]], body.events.length, 'events'))) return;
    const db = shopDb(shop);
    const known = knownProductsRepo(db);
    const ofShop = (id: number | null | undefined) => id == null || known.has(id);
    eventsRepo(db).insertMany(
      body.events
        .filter((e) => ofShop(e.anchor) && ofShop(e.product))
        .map((e) => ({type: e.type, block: e.block, anchorId: e.anchor ?? null, productId: e.product ?? null, eventId: e.id ?? null})),
    );
    // 204 whatever was kept: a sender learns nothing about the shop's catalogue.
    res.status(204).end();
  };
  for (const path of ['/events', '/pixel/events']) router.post(path, express.text({type: () => true, limit: BODY_BYTES}), store);
  return router;
}

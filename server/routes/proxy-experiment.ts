import express from 'express';
import {RateLimiterMemory} from 'rate-limiter-flexible';
import {z} from 'zod';
import {armFor, VISITOR_ID} from '../../domain/experiment';
import type {Db} from '../../storage/open';
import {experimentPeriodsRepo} from '../../storage/repos/experiment-periods';
import {experimentVisitorsRepo} from '../../storage/repos/experiment-visitors';
import type {ShopDomain} from '../../storage/shop-domain';
import {proxyClient} from './proxy-client';
import {beaconBody, spendBudgets} from './proxy-beacon';

export interface ImpressionBudgets {
  /**
   * Impressions one client (a logged-in customer, else an IP address) may send per 10 s: a shopper sends one per
   * product page viewed, so more is a script inventing visitors, and it cannot spend its shop's budget.
   */
  clientPer10s: number;
  /** Impressions a shop may store per second, all its shoppers together: the budget events have (one row each, cheaper). */
  shopPerSecond: number;
}

const BUDGETS: ImpressionBudgets = {clientPer10s: 20, shopPerSecond: 200};

const impression = z.object({
  visitor: z.string().regex(VISITOR_ID, 'visitor is not a storefront id'),
  period: z.number().int().positive(),
  // No arm: the server derives it from the visitor id and the period's salt and share (zod drops one if sent).
});

/**
 * `POST /proxy/experiment` `{visitor, period}`: a visitor with analytics consent viewed a product page that has
 * a Pairwise block, in either arm (the held-out visitor's block is hidden, the page still has it). Counted once
 * per visitor per period, with the arm derived here. An impression for a period that is not the running one
 * (a page cached from before the share changed) is answered 204 and not counted: that visitor was assigned
 * with another salt. Mounted behind the app-proxy signature check, which sets res.locals.proxyShop.
 */
export function experimentRouter(shopDb: (shop: ShopDomain) => Db, budgets: ImpressionBudgets = BUDGETS): express.Router {
  const router = express.Router();
  // Fixed windows in memory; each key is deleted when its window ends.
  const perClient = new RateLimiterMemory({points: budgets.clientPer10s, duration: 10});
  const perShop = new RateLimiterMemory({points: budgets.shopPerSecond, duration: 1});
  router.post('/experiment', express.text({type: () => true, limit: '1kb'}), async (req, res) => {
    const shop = res.locals.proxyShop;
    const body = beaconBody(req, res, impression);
    if (!body) return;
    const budgets: [RateLimiterMemory, string][] = [[perClient, `${shop} ${proxyClient(req)}`], [perShop, shop]];
    if (!(await spendBudgets(res, budgets, 1, 'impressions'))) return;
    const db = shopDb(shop);
    const running = experimentPeriodsRepo(db).current();
    const {visitor, period} = body;
    if (running?.period === period) experimentVisitorsRepo(db).record(period, visitor, armFor(running, visitor));
    res.status(204).end();
  });
  return router;
}

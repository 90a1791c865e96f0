import express from 'express';
import {z} from 'zod';
import type {Arm} from '../../../domain/experiment';
import type {Services} from '../../services';
import {analyticsRepo} from '../../../storage/repos/analytics';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {experimentVisitorsRepo} from '../../../storage/repos/experiment-visitors';
import {settingsRepo} from '../../../storage/repos/settings';
import {estimateUplift, MIN_VISITORS_PER_ARM} from '../../analytics/uplift';
import {parse, sendError} from './http';

const STAGES = ['rendered', 'viewed', 'clicked', 'added'] as const;
const BLOCKS = ['fbt', 'cart'] as const;
type Funnel = Record<(typeof STAGES)[number] | 'ordered', number> & {revenue: number};

const query = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30),
  to: z.iso.date().optional(),
});

const experimentQuery = z.object({
  period: z.coerce.number().int().positive().optional(),
  /** The relative RPV uplift the power estimate is for. */
  effect: z.coerce.number().min(0.01).max(1).default(0.1),
});

const DAY_MS = 86_400_000;

const emptyFunnel = (): Funnel => ({rendered: 0, viewed: 0, clicked: 0, added: 0, ordered: 0, revenue: 0});
type BundleDiscount = {orders: number; cost: number; revenue: number};
const noBundleDiscount = (): BundleDiscount => ({orders: 0, cost: 0, revenue: 0});
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * `GET /api/analytics?days=&to=`: the funnel (rendered, viewed, clicked, added, ordered) and attributed revenue
 * per block and per day. Without `to` the range ends at the last day with data (or today). What the blocks add
 * over no block at all is the experiment's, below. Test-mode orders are left out and counted (`testOrdersLeftOut`).
 * `bundleDiscount` (per day and for the range): the orders the bundle discount applied to, what it took off them
 * (from their lines' discount allocations) and what they brought in after it.
 */
export function analyticsRouter(ctx: Pick<Services, 'shopDbs'>): express.Router {
  const router = express.Router();
  router.get('/analytics', (req, res) => {
    const q = parse(res, query, req.query);
    if (!q) return;
    const db = ctx.shopDbs.get(res.locals.shop);
    const repo = analyticsRepo(db);
    const to = q.to ?? repo.lastDay() ?? new Date().toISOString().slice(0, 10);
    const from = addDays(to, 1 - q.days);
    const days = new Map<string, Record<string, Funnel>>();
    for (let i = 0; i < q.days; i++) days.set(addDays(from, i), Object.fromEntries(BLOCKS.map((b) => [b, emptyFunnel()])));
    const totals: Record<string, Funnel> = Object.fromEntries(BLOCKS.map((b) => [b, emptyFunnel()]));
    const discountDays = new Map([...days.keys()].map((day) => [day, noBundleDiscount()]));
    const discountTotal = noBundleDiscount();
    for (const d of repo.bundleDiscount(from, to)) {
      for (const into of [discountDays.get(d.day)!, discountTotal]) {
        into.orders += d.orders;
        into.cost += d.cost;
        into.revenue += d.revenue;
      }
    }
    const at = (day: string, block: string) => {
      const blocks = days.get(day)!;
      blocks[block] ??= emptyFunnel();
      totals[block] ??= emptyFunnel();
      return [blocks[block], totals[block]];
    };
    // Held-out visitors' blocks send no events, so every event is one of a shown block.
    for (const e of repo.events(from, to)) for (const f of at(e.day, e.block)) f[e.type] += e.count;
    for (const a of repo.attributed(from, to)) {
      for (const f of at(a.day, a.block)) {
        f.ordered += a.orders;
        f.revenue += a.revenue;
      }
    }
    res.json({
      from,
      to,
      days: [...days].map(([day, blocks]) => ({day, blocks, bundleDiscount: discountDays.get(day)!})),
      totals,
      bundleDiscount: discountTotal,
      store: repo.storeRevenue(from, to),
      // Orders placed in test mode in the range: in none of the numbers above, and said so beside them.
      testOrdersLeftOut: repo.testOrders(from, to),
    });
  });

  /**
   * `GET /api/analytics/experiment?period=&effect=`: the holdout experiment for one period (the running one by
   * default; ended ones stay readable): visitors, orders, conversion, revenue per visitor and AOV per arm, the
   * uplift with 95% intervals, the visitors still needed to see `effect`, the days running and the share.
   * Revenue is what orders brought in after every discount (Shopify's totals are after discounts) and refund;
   * `bundleDiscount` says, per arm, how many of those orders got the bundle discount and what it took off them
   * (per visitor too), so the uplift can be read beside what the discount gave away to reach it.
   */
  router.get('/analytics/experiment', (req, res) => {
    const q = parse(res, experimentQuery, req.query);
    if (!q) return;
    const db = ctx.shopDbs.get(res.locals.shop);
    const periodsRepo = experimentPeriodsRepo(db);
    const periods = periodsRepo.all().map(({period, share, startedAt, endedAt}) => ({period, share, startedAt, endedAt}));
    const holdoutShare = settingsRepo(db).get().holdoutShare;
    const chosen = q.period === undefined ? periodsRepo.current() : periodsRepo.get(q.period);
    if (q.period !== undefined && !chosen) {
      sendError(res, 404, 'not_found', `experiment period ${q.period} not found in this shop`);
      return;
    }
    if (!chosen) {
      res.json({periods, holdoutShare, period: null});
      return;
    }
    const visitors = experimentVisitorsRepo(db);
    const sums = visitors.sums(chosen.period);
    const discount = visitors.bundleDiscount(chosen.period);
    const perArm = (arm: Arm) => ({...discount[arm], perVisitor: sums[arm].visitors ? discount[arm].cost / sums[arm].visitors : 0});
    const end = chosen.endedAt ? Date.parse(chosen.endedAt) : Date.now();
    res.json({
      periods,
      holdoutShare,
      period: {
        period: chosen.period,
        share: chosen.share,
        startedAt: chosen.startedAt,
        endedAt: chosen.endedAt,
        daysRunning: Math.max(0, (end - Date.parse(chosen.startedAt)) / DAY_MS),
      },
      currency: visitors.currency(chosen.period),
      minVisitorsPerArm: MIN_VISITORS_PER_ARM,
      estimate: estimateUplift(sums.exposed, sums.holdout, chosen.share, q.effect),
      bundleDiscount: {exposed: perArm('exposed'), holdout: perArm('holdout')},
    });
  });
  return router;
}

import express from 'express';
import {z} from 'zod';
import type {Services} from '../../services';
import {analyticsRepo} from '../../../storage/repos/analytics';
import {settingsRepo} from '../../../storage/repos/settings';
import {parse} from './http';

const STAGES = ['rendered', 'viewed', 'clicked', 'added'] as const;
const BLOCKS = ['fbt', 'cart'] as const;
type Funnel = Record<(typeof STAGES)[number] | 'ordered', number> & {revenue: number};

const query = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30),
  to: z.iso.date().optional(),
});

const emptyFunnel = (): Funnel => ({rendered: 0, viewed: 0, clicked: 0, added: 0, ordered: 0, revenue: 0});
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * `GET /api/analytics?days=&to=`: the funnel (rendered, viewed, clicked, added, ordered) and attributed revenue
 * per block and per day, plus what the holdout saw, so uplift is measured against sessions that saw no block.
 * Without `to` the range ends at the last day with data (or today).
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
    const holdout: Record<string, number> = Object.fromEntries(STAGES.map((s) => [s, 0]));
    const at = (day: string, block: string) => {
      const blocks = days.get(day)!;
      blocks[block] ??= emptyFunnel();
      totals[block] ??= emptyFunnel();
      return [blocks[block], totals[block]];
    };
    for (const e of repo.events(from, to)) {
      if (e.holdout) holdout[e.type] = (holdout[e.type] ?? 0) + e.count;
      else for (const f of at(e.day, e.block)) f[e.type] += e.count;
    }
    for (const a of repo.attributed(from, to)) {
      for (const f of at(a.day, a.block)) {
        f.ordered += a.orders;
        f.revenue += a.revenue;
      }
    }
    res.json({
      from,
      to,
      days: [...days].map(([day, blocks]) => ({day, blocks})),
      totals,
      holdout: {share: settingsRepo(db).get().holdoutShare, events: holdout},
      store: repo.storeRevenue(from, to),
    });
  });
  return router;
}

import express from 'express';
import type {Services} from '../../services';

/**
 * `GET /api/insights`: communities, strongest pairs and best sellers without a good companion (server/reads/
 * insights.ts), read on a read thread so no other shop's request waits behind it.
 */
export function insightsRouter(ctx: Pick<Services, 'shopDbs' | 'reads'>): express.Router {
  const router = express.Router();
  router.get('/insights', async (_req, res) => {
    // The shop's own handle first: it creates and migrates the file the read thread opens read-only.
    ctx.shopDbs.get(res.locals.shop);
    res.json(await ctx.reads.run(res.locals.shop, 'insights'));
  });
  return router;
}

import express from 'express';
import {z} from 'zod';
import type {Services} from '../../services';
import {dataRequestsRepo} from '../../../storage/repos/data-requests';
import {notFound, page, parse} from './http';

const requestId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * `GET /api/data-requests`: the customers/data_request deliveries of the token's shop, newest first;
 * `GET /api/data-requests/:id`: what Pairwise holds about that request's customer, the JSON the merchant downloads
 * and hands over (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance).
 */
export function dataRequestsRouter(ctx: Pick<Services, 'shopDbs'>): express.Router {
  const router = express.Router();

  router.get('/data-requests', (req, res) => {
    const q = parse(res, page, req.query);
    if (!q) return;
    const {items, total} = dataRequestsRepo(ctx.shopDbs.get(res.locals.shop)).list(q.limit, q.offset);
    res.json({items, total, limit: q.limit, offset: q.offset});
  });

  router.get('/data-requests/:id', (req, res) => {
    const id = parse(res, requestId, req.params.id);
    if (id === null) return;
    const db = ctx.shopDbs.get(res.locals.shop);
    // One read transaction: the orders, their lines and products are one consistent picture.
    const data = db.transaction(() => dataRequestsRepo(db).customerData(id))();
    if (!data) return notFound(res, 'data request');
    res.json(data);
  });

  return router;
}

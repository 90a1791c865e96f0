import express from 'express';
import type {Services} from '../../services';
import {backfillsRepo} from '../../../storage/repos/backfills';
import {adminModelReads} from '../../../storage/repos/model-admin';
import type {ActiveModel} from '../../../domain/model';
import {ordersRepo} from '../../../storage/repos/orders';
import {productsRepo} from '../../../storage/repos/products';
import {receiptsRepo} from '../../../storage/repos/receipts';

/**
 * `GET /api/status`: the token's shop at a glance, from local data alone (no Admin API call), so the admin
 * home renders fast and works while Shopify is slow.
 */
export function statusRouter(ctx: Pick<Services, 'shopDbs'>): express.Router {
  const router = express.Router();
  router.get('/status', (_req, res) => {
    const shop = res.locals.shop;
    const db = ctx.shopDbs.get(shop);
    const backfills = backfillsRepo(db);
    res.json({
      shop,
      orders: ordersRepo(db).counts(),
      products: productsRepo(db).counts(),
      lastWebhook: receiptsRepo(db).last() ?? null,
      backfill: {orders: backfills.latest('orders') ?? null, products: backfills.latest('products') ?? null},
      model: modelStatus(adminModelReads(db).active()),
    });
  });
  return router;
}

/** The active model's version and quality (report.json's `eval`), or null before the first publish. */
function modelStatus(model: ActiveModel | null) {
  if (!model) return null;
  const {version, createdAt, activatedAt, kind, backend, report} = model;
  return {version, createdAt, activatedAt, kind, backend, quality: report.eval ?? null};
}

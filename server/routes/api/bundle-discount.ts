import express from 'express';
import type {Services} from '../../services';
import {readBundleDiscount, saveBundleDiscount} from '../../discounts/bundle-discount';
import {bundleDiscountSchema} from '../../../domain/bundle-discount';
import {parse, sendError} from './http';

/**
 * `GET/PUT /api/bundle-discount`: the Settings card's bundle discount. GET shows the saved settings with the
 * discount's state as Shopify reports it; PUT validates (a field error per bad field) and makes Shopify agree.
 */
export function bundleDiscountRouter(ctx: Pick<Services, 'shopDbs' | 'config' | 'appDb' | 'shopify' | 'log'>): express.Router {
  const router = express.Router();
  router.get('/bundle-discount', async (_req, res) => {
    const shop = res.locals.shop;
    try {
      res.json(await readBundleDiscount(ctx, ctx.shopDbs.get(shop), shop));
    } catch (err) {
      ctx.log('warn', 'bundle discount read failed', {shop, error: String(err)});
      sendError(res, 502, 'shopify_error', 'Shopify did not answer about the discount; try again');
    }
  });
  router.put('/bundle-discount', async (req, res) => {
    const settings = parse(res, bundleDiscountSchema, req.body);
    if (!settings) return;
    const shop = res.locals.shop;
    try {
      res.json(await saveBundleDiscount(ctx, ctx.shopDbs.get(shop), shop, settings));
    } catch (err) {
      ctx.log('warn', 'bundle discount save failed', {shop, error: String(err)});
      sendError(res, 502, 'shopify_error', `Shopify refused the discount: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return router;
}

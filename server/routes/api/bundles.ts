import express from 'express';
import {z} from 'zod';
import type {Services} from '../../services';
import {catalogRepo} from '../../../storage/repos/catalog';
import {settingsRepo} from '../../../storage/repos/settings';
import {missingProducts, notFound, page, parse, sendError} from './http';
import {adminModelReads} from '../../../storage/repos/model-admin';

const bundleId = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Same products, whatever their order. */
const sorted = (ids: number[]) => [...ids].sort((x, y) => x - y);

/** The same set of products, in any order. */
function sameProducts(a: number[], b: number[] | null): boolean {
  if (b === null || a.length !== b.length) return false;
  const sb = sorted(b);
  return sorted(a).every((id, i) => id === sb[i]);
}

/**
 * `GET /api/bundles`: the frequent bundles (3+ products) of the active model with support and lift;
 * `PUT /api/bundles/:id/promote` puts one in the product block; `DELETE /api/bundles/promoted` takes it out.
 */
export function bundlesRouter(ctx: Pick<Services, 'shopDbs' | 'republish'>): express.Router {
  const router = express.Router();

  router.get('/bundles', (req, res) => {
    const q = parse(res, page, req.query);
    if (!q) return;
    const db = ctx.shopDbs.get(res.locals.shop);
    const model = adminModelReads(db);
    const active = model.active();
    const promoted = settingsRepo(db).get().promotedBundle;
    if (!active) return void res.json({items: [], total: 0, limit: q.limit, offset: q.offset, promoted, model: null});
    const {items, total} = model.bundles(active.version, q.limit, q.offset);
    const products = catalogRepo(db).getMany(items.flatMap((b) => b.productIds));
    res.json({
      items: items.map((b) => ({
        ...b,
        promoted: sameProducts(b.productIds, promoted),
        products: b.productIds.map((id) => products.get(id) ?? {productId: id, title: `#${id}`}),
      })),
      total,
      limit: q.limit,
      offset: q.offset,
      promoted,
      model: {version: active.version},
    });
  });

  router.put('/bundles/:id/promote', (req, res) => {
    const id = parse(res, bundleId, req.params.id);
    if (id === null) return;
    const shop = res.locals.shop;
    const db = ctx.shopDbs.get(shop);
    const model = adminModelReads(db);
    const active = model.active();
    const bundle = active && model.bundle(active.version, id);
    if (!bundle) return notFound(res, 'bundle');
    // A bundle of the model may hold a product deleted since: what is promoted names only products the shop has.
    if (missingProducts(db, bundle.productIds).length) return notFound(res, 'product');
    const before = settingsRepo(db).get().promotedBundle ?? [];
    settingsRepo(db).update({promotedBundle: bundle.productIds});
    ctx.republish(shop, [...new Set([...before, ...bundle.productIds])]);
    res.json({promoted: bundle.productIds});
  });

  router.delete('/bundles/promoted', (_req, res) => {
    const shop = res.locals.shop;
    const db = ctx.shopDbs.get(shop);
    const settings = settingsRepo(db);
    const current = settings.get().promotedBundle;
    if (current === null) return sendError(res, 404, 'not_found', 'no bundle is promoted');
    settings.update({promotedBundle: null});
    ctx.republish(shop, current);
    res.json({promoted: null});
  });

  return router;
}

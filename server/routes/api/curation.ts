import express from 'express';
import {z} from 'zod';
import type {Services} from '../../services';
import type {Db} from '../../../storage/open';
import {catalogRepo} from '../../../storage/repos/catalog';
import {curationRepo} from '../../../storage/repos/curation';
import {missingProducts, notFound, page, parse, productId, sendError} from './http';
import {adminModelReads} from '../../../storage/repos/model-admin';

const pinsBody = z.object({companionIds: z.array(productId).max(20, 'at most 20 pins')}).strict();
const exclusionBody = z.object({companionId: productId}).strict();

/**
 * Pins and exclusions: `PUT /api/products/:id/pins`, `POST|DELETE /api/products/:id/exclusions[/:companionId]`,
 * `GET /api/excluded-products`, `PUT|DELETE /api/excluded-products/:id`. Each change republishes the lists it
 * touches (no retraining). Every id must be a product of the token's shop, else 404.
 */
export function curationRouter(ctx: Pick<Services, 'shopDbs' | 'republish'>): express.Router {
  const router = express.Router();

  router.put('/products/:id/pins', (req, res) => {
    const id = parse(res, productId, req.params.id);
    const body = parse(res, pinsBody, req.body);
    if (id === null || !body) return;
    const shop = res.locals.shop;
    if (missingProducts(ctx.shopDbs.get(shop), [id, ...body.companionIds]).length) return notFound(res, 'product');
    if (body.companionIds.includes(id)) return sendError(res, 400, 'invalid_input', 'a product cannot be pinned to itself', {companionIds: 'contains the product itself'});
    if (new Set(body.companionIds).size !== body.companionIds.length) return sendError(res, 400, 'invalid_input', 'a product is pinned twice', {companionIds: 'duplicates'});
    const curation = curationRepo(ctx.shopDbs.get(shop));
    curation.setPins(id, body.companionIds);
    ctx.republish(shop, [id]);
    res.json({productId: id, pins: curation.pins(id)});
  });

  router.post('/products/:id/exclusions', (req, res) => {
    const id = parse(res, productId, req.params.id);
    const body = parse(res, exclusionBody, req.body);
    if (id === null || !body) return;
    const shop = res.locals.shop;
    if (missingProducts(ctx.shopDbs.get(shop), [id, body.companionId]).length) return notFound(res, 'product');
    const curation = curationRepo(ctx.shopDbs.get(shop));
    curation.excludePair(id, body.companionId);
    ctx.republish(shop, [id]);
    res.status(201).json({productId: id, exclusions: curation.pairExclusions(id), pins: curation.pins(id)});
  });

  router.delete('/products/:id/exclusions/:companionId', (req, res) => {
    const id = parse(res, productId, req.params.id);
    const companionId = parse(res, productId, req.params.companionId);
    if (id === null || companionId === null) return;
    const shop = res.locals.shop;
    if (missingProducts(ctx.shopDbs.get(shop), [id, companionId]).length) return notFound(res, 'product');
    const curation = curationRepo(ctx.shopDbs.get(shop));
    if (!curation.includePair(id, companionId)) return notFound(res, 'exclusion');
    ctx.republish(shop, [id]);
    res.json({productId: id, exclusions: curation.pairExclusions(id)});
  });

  router.get('/excluded-products', (req, res) => {
    const q = parse(res, page, req.query);
    if (!q) return;
    const db = ctx.shopDbs.get(res.locals.shop);
    const {items, total} = curationRepo(db).excludedProducts(q.limit, q.offset);
    const products = catalogRepo(db).getMany(items.map((i) => i.productId));
    res.json({items: items.map((i) => ({...i, product: products.get(i.productId) ?? null})), total, limit: q.limit, offset: q.offset});
  });

  /** Lists that show (or pinned) this product change when it is excluded or included again. */
  const affectedBy = (db: Db, id: number) => {
    const model = adminModelReads(db);
    const active = model.active();
    return [...new Set([...curationRepo(db).pinnedWith(id), ...(active ? model.productsListing(active.version, id) : [])])];
  };

  router.put('/excluded-products/:id', (req, res) => {
    const id = parse(res, productId, req.params.id);
    if (id === null) return;
    const shop = res.locals.shop;
    if (missingProducts(ctx.shopDbs.get(shop), [id]).length) return notFound(res, 'product');
    const db = ctx.shopDbs.get(shop);
    curationRepo(db).excludeProduct(id);
    ctx.republish(shop, affectedBy(db, id));
    res.json({productId: id, excluded: true});
  });

  router.delete('/excluded-products/:id', (req, res) => {
    const id = parse(res, productId, req.params.id);
    if (id === null) return;
    const shop = res.locals.shop;
    if (missingProducts(ctx.shopDbs.get(shop), [id]).length) return notFound(res, 'product');
    const db = ctx.shopDbs.get(shop);
    if (!curationRepo(db).includeProduct(id)) return notFound(res, 'exclusion');
    ctx.republish(shop, affectedBy(db, id));
    res.json({productId: id, excluded: false});
  });

  return router;
}

import express from 'express';
import {z} from 'zod';
import type {Services} from '../../services';
import {catalogRepo} from '../../../storage/repos/catalog';
import {curationRepo} from '../../../storage/repos/curation';
import {settingsRepo} from '../../../storage/repos/settings';
import {companionsFor} from '../../recommend/storefront';
import {explainBlock} from './block-preview';
import {notFound, page, parse, productId} from './http';
import {adminModelReads} from '../../../storage/repos/model-admin';

const searchQuery = page.extend({query: z.string().trim().max(200).default('')});

/**
 * `GET /api/products` (search the catalogue) and `GET /api/products/:id/recommendations`: a product's list in
 * the model's order, each pair with its explanation, the merchant's curation, the block as it will show, and
 * the cart upsell as it will show with the product in the cart.
 */
export function productsRouter(ctx: Pick<Services, 'shopDbs' | 'models' | 'reads'>): express.Router {
  const router = express.Router();

  router.get('/products', async (req, res) => {
    const q = parse(res, searchQuery, req.query);
    if (!q) return;
    // Indexed (products_search) and one page long, but its count walks every match (2 ms a call on a 10k-product
    // shop): on a read thread, not the event loop ([T]). The shop's own handle first creates and migrates the file.
    ctx.shopDbs.get(res.locals.shop);
    const found = await ctx.reads.run(res.locals.shop, 'productSearch', q.query, q.limit, q.offset);
    res.json({...found, limit: q.limit, offset: q.offset});
  });

  router.get('/products/:id/recommendations', async (req, res) => {
    const id = parse(res, productId, req.params.id);
    if (id === null) return;
    const db = ctx.shopDbs.get(res.locals.shop);
    const catalog = catalogRepo(db);
    const product = catalog.get(id);
    if (!product) return notFound(res, 'product');
    const curation = curationRepo(db);
    const model = adminModelReads(db);
    const active = model.active();
    const ranked = active ? model.companions(active.version, id) : [];
    const pins = curation.pins(id);
    const pairExclusions = new Set(curation.pairExclusions(id));
    const products = catalog.getMany([...pins, ...ranked.map((c) => c.companionId)]);
    const settings = settingsRepo(db).get();
    const snapshot = await ctx.models.get(res.locals.shop, db);
    const shown = companionsFor(db, snapshot, [id], {block: 'fbt'});
    // What the cart upsell shows with this product alone in the cart: the cart model's answer, filtered as the storefront filters it.
    const upsell = companionsFor(db, snapshot, [id], {block: 'cart'});
    const upsellProducts = catalog.getMany(upsell.map((c) => c.id));
    const preview = explainBlock(ranked, {pins, pairExclusions, isProductExcluded: curation.isProductExcluded}, products, settings, shown);
    const stats = new Map(ranked.map((c) => [c.companionId, c]));
    res.json({
      product,
      productExcluded: curation.isProductExcluded(id),
      model: active && {version: active.version, trainedAt: active.createdAt, kind: active.kind},
      settings: {maxItems: settings.maxItems, minConfidence: settings.minConfidence, minLift: settings.minLift},
      companions: preview.map((item) => ({
        ...item,
        product: products.get(item.companionId) ?? null,
        stats: stats.get(item.companionId) ?? null,
      })),
      upsell: upsell.flatMap((c) => {
        const product = upsellProducts.get(c.id);
        return product ? [{product, score: c.score, pinned: c.pinned}] : [];
      }),
    });
  });

  return router;
}

import express from 'express';
import type {Services} from '../../services';
import {catalogRepo} from '../../../storage/repos/catalog';
import type {CatalogProduct} from '../../../storage/repos/catalog';
import {settingsRepo} from '../../../storage/repos/settings';
import {isForSale} from '../../recommend/companions';
import {adminModelReads} from '../../../storage/repos/model-admin';

const SHOWN_PER_COMMUNITY = 8;

/** The most common value and its share among the members, ignoring empty values. */
function mostCommon(values: string[], members: number): {value: string; share: number} | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: [string, number] | null = null;
  for (const entry of counts) if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
  return best && {value: best[0], share: best[1] / members};
}

/**
 * A community's name from what its products share: the product type most of them have, and the tag most of
 * them carry. Null when they share neither (the page then names it by its best seller).
 */
export function communityName(products: CatalogProduct[]): string | null {
  if (!products.length) return null;
  const type = mostCommon(products.map((p) => p.productType), products.length);
  const tag = mostCommon(products.flatMap((p) => p.tags), products.length);
  const parts = [type && type.share >= 0.5 ? type.value : null, tag && tag.share >= 0.5 ? tag.value : null].filter(
    (p): p is string => p !== null,
  );
  const unique = [...new Set(parts.map((p) => p.toLowerCase()))].map((l) => parts.find((p) => p.toLowerCase() === l)!);
  return unique.length ? unique.join(' · ') : null;
}

/**
 * `GET /api/insights`: communities of products bought together (named from their shared type and tags), the
 * strongest pairs by lift, and best sellers for sale that have no companion good enough to show.
 */
export function insightsRouter(ctx: Pick<Services, 'shopDbs'>): express.Router {
  const router = express.Router();
  router.get('/insights', (_req, res) => {
    const db = ctx.shopDbs.get(res.locals.shop);
    const model = adminModelReads(db);
    const active = model.active();
    if (!active) return void res.json({model: null, communities: [], topPairs: [], withoutCompanions: []});
    const catalog = catalogRepo(db);
    const settings = settingsRepo(db).get();

    const communities = model.communities(active.version).map((c) => {
      const products = [...catalog.getMany(c.productIds).values()].sort((a, b) => b.orders - a.orders);
      return {
        communityId: c.communityId,
        name: communityName(products),
        size: c.productIds.length,
        purchases: products.reduce((n, p) => n + p.orders, 0),
        products: products.slice(0, SHOWN_PER_COMMUNITY),
      };
    });
    communities.sort((a, b) => b.purchases - a.purchases || a.communityId - b.communityId);

    const pairs = model.topPairs(active.version, 3, 20);
    const pairProducts = catalog.getMany(pairs.flatMap((p) => [p.productId, p.companionId]));
    const topPairs = pairs.map((p) => ({...p, product: pairProducts.get(p.productId) ?? null, companion: pairProducts.get(p.companionId) ?? null}));

    const good = model.withGoodCompanions(active.version, settings.minConfidence, settings.minLift);
    const lonely = catalog.bestSellers(500).filter((p) => !good.has(p.productId));
    const lonelyProducts = catalog.getMany(lonely.map((p) => p.productId));
    // Only what a shopper can buy needs a companion: not a gift card, a draft, an archived, deleted or sold-out product.
    const withoutCompanions = lonely
      .filter((p) => isForSale(lonelyProducts.get(p.productId)))
      .slice(0, 20)
      .map((p) => ({...p, product: lonelyProducts.get(p.productId)!}));

    res.json({model: {version: active.version}, communities, topPairs, withoutCompanions});
  });
  return router;
}

import type {Db} from '../../storage/open';
import {catalogRepo} from '../../storage/repos/catalog';
import {adminModelReads} from '../../storage/repos/model-admin';
import {modelInsights} from '../../storage/repos/model-insights';
import {settingsRepo} from '../../storage/repos/settings';
import {isForSale} from '../recommend/companions';
import {COMMUNITIES_SHOWN, TOP_PAIRS} from '../../domain/insights';

/** Best sellers checked for a good companion, and the most shown without one. */
const BEST_SELLERS_CHECKED = 500;
const WITHOUT_COMPANIONS_SHOWN = 20;

/**
 * What `GET /api/insights` shows: communities of products bought together (named from their shared type and
 * tags), the strongest pairs by lift, and best sellers for sale that have no companion good enough to show. The
 * first two were worked out when the version was published (model-insights.ts) and are read by key; the third
 * depends on the merchant's thresholds, so it is read per request from the version's best-seller index with a
 * LIMIT. At any catalogue size a call reads at most COMMUNITIES_SHOWN x SHOWN_PER_COMMUNITY + 2 x TOP_PAIRS +
 * BEST_SELLERS_CHECKED catalogue rows by key (2-3 ms on a 10k-product shop: run on a read thread, server/reads).
 */
export function readInsights(db: Db) {
  const model = adminModelReads(db);
  const active = model.active();
  if (!active) return {model: null, communities: [], topPairs: [], withoutCompanions: []};
  const catalog = catalogRepo(db);
  const insights = modelInsights(db);
  const settings = settingsRepo(db).get();

  const communities = insights.communities(active.version, COMMUNITIES_SHOWN).map((c) => {
    const products = catalog.getMany(c.productIds);
    return {communityId: c.communityId, name: c.name, size: c.size, purchases: c.purchases, products: c.productIds.flatMap((id) => products.get(id) ?? [])};
  });

  const pairs = insights.strongestPairs(active.version, TOP_PAIRS);
  const pairProducts = catalog.getMany(pairs.flatMap((p) => [p.productId, p.companionId]));
  const topPairs = pairs.map((p) => ({...p, product: pairProducts.get(p.productId) ?? null, companion: pairProducts.get(p.companionId) ?? null}));

  // Only what a shopper can buy needs a companion: not a gift card, a draft, an archived, deleted or sold-out product.
  const withoutCompanions = [];
  for (const p of model.lonelyBestSellers(active.version, settings.minConfidence, settings.minLift, BEST_SELLERS_CHECKED)) {
    const product = catalog.get(p.productId);
    if (!isForSale(product)) continue;
    withoutCompanions.push({...p, product});
    if (withoutCompanions.length === WITHOUT_COMPANIONS_SHOWN) break;
  }

  return {model: {version: active.version}, communities, topPairs, withoutCompanions};
}

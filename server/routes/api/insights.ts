import express from 'express';
import type {Db} from '../../../storage/open';
import type {TopPair} from '../../../domain/model';
import type {Services} from '../../services';
import {catalogRepo} from '../../../storage/repos/catalog';
import type {CatalogProduct} from '../../../storage/repos/catalog';
import {settingsRepo} from '../../../storage/repos/settings';
import {isForSale} from '../../recommend/companions';
import {adminModelReads} from '../../../storage/repos/model-admin';

const SHOWN_PER_COMMUNITY = 8;
/** The communities shown, most purchased first: a 50k-product shop has thousands, a page shows a few. */
const COMMUNITIES_SHOWN = 20;
/** A community is named from its most ordered members, not every one of them (a community can hold thousands). */
const NAMED_FROM = 24;
const TOP_PAIRS = 20;
/** A lift from fewer orders is noise. */
const MIN_PAIR_COUNT = 3;
/** Best sellers checked for a good companion, and the most shown without one. */
const BEST_SELLERS_CHECKED = 500;
const WITHOUT_COMPANIONS_SHOWN = 20;
/** Model rows read between two turns of the event loop (1-5 ms of work here). */
const ROWS_PER_PAGE = 500;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

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

/** What Insights shows of a model version that does not depend on the catalogue or the settings: worked out once per version. */
interface VersionInsights {
  communities: {communityId: number; size: number; purchases: number; members: number[]}[];
  /** Pairs seen in MIN_PAIR_COUNT+ orders, strongest lift first, twice as many as shown (both directions are stored). */
  strongest: TopPair[];
}

const byStrength = (a: TopPair, b: TopPair) => b.lift - a.lift || b.count - a.count || a.productId - b.productId || a.companionId - b.companionId;

/**
 * Reads the version's communities and pairs in keyset pages that yield to the event loop: on a 50k-product
 * shop, reading every community member's catalogue row in one go held every shop's requests 0.6 s, and
 * sorting every pair by lift needs a pass over all of them.
 */
async function versionInsights(db: Db, version: number): Promise<VersionInsights> {
  const model = adminModelReads(db);
  const communities: VersionInsights['communities'] = [];
  let members: {productId: number; orders: number}[] = [];
  let current: number | null = null;
  const close = () => {
    if (current === null) return;
    members.sort((a, b) => b.orders - a.orders || a.productId - b.productId);
    const purchases = members.reduce((n, m) => n + m.orders, 0);
    communities.push({communityId: current, size: members.length, purchases, members: members.slice(0, NAMED_FROM).map((m) => m.productId)});
    members = [];
  };
  for (let after: readonly [number, number] = [-1, -1]; ; await yieldToLoop()) {
    const rows = model.communityPage(version, after, ROWS_PER_PAGE);
    for (const r of rows) {
      if (r.communityId !== current) {
        close();
        current = r.communityId;
      }
      members.push({productId: r.productId, orders: r.orders});
    }
    if (rows.length < ROWS_PER_PAGE) break;
    after = [rows[rows.length - 1].communityId, rows[rows.length - 1].productId];
  }
  close();
  communities.sort((a, b) => b.purchases - a.purchases || a.communityId - b.communityId);
  communities.length = Math.min(communities.length, COMMUNITIES_SHOWN);

  const strongest: TopPair[] = [];
  for (let after: readonly [number, number] = [-1, -1]; ; await yieldToLoop()) {
    const rows = model.pairPage(version, after, ROWS_PER_PAGE);
    for (const p of rows) {
      if (p.count < MIN_PAIR_COUNT) continue;
      if (strongest.length === 2 * TOP_PAIRS && byStrength(p, strongest[strongest.length - 1]) >= 0) continue;
      const at = strongest.findIndex((q) => byStrength(p, q) < 0);
      strongest.splice(at === -1 ? strongest.length : at, 0, p);
      strongest.length = Math.min(strongest.length, 2 * TOP_PAIRS);
    }
    if (rows.length < ROWS_PER_PAGE) break;
    after = [rows[rows.length - 1].productId, rows[rows.length - 1].rank];
  }
  return {communities, strongest};
}

/** Each pair once, in strength order. */
function distinctPairs(pairs: TopPair[]): TopPair[] {
  const seen = new Set<string>();
  return pairs.filter((p) => {
    const key = p.productId < p.companionId ? `${p.productId}-${p.companionId}` : `${p.companionId}-${p.productId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * `GET /api/insights`: communities of products bought together (named from their shared type and tags), the
 * strongest pairs by lift, and best sellers for sale that have no companion good enough to show. Bounded at
 * any catalogue size: the model's part is worked out once per version in slices, and a request reads at most
 * COMMUNITIES_SHOWN x NAMED_FROM + 2 x TOP_PAIRS + BEST_SELLERS_CHECKED catalogue rows.
 */
export function insightsRouter(ctx: Pick<Services, 'shopDbs'>): express.Router {
  const router = express.Router();
  const versions = new WeakMap<Db, {version: number; insights: Promise<VersionInsights>}>();
  router.get('/insights', async (_req, res) => {
    const db = ctx.shopDbs.get(res.locals.shop);
    const model = adminModelReads(db);
    const active = model.active();
    if (!active) return void res.json({model: null, communities: [], topPairs: [], withoutCompanions: []});
    let held = versions.get(db);
    if (held?.version !== active.version) {
      held = {version: active.version, insights: versionInsights(db, active.version)};
      versions.set(db, held);
      // A failed read is not kept: the next request tries again.
      held.insights.catch(() => versions.get(db) === held && versions.delete(db));
    }
    const {communities: top, strongest} = await held.insights;
    if (!db.open) throw new Error('the shop file was closed while Insights read it');
    const catalog = catalogRepo(db);
    const settings = settingsRepo(db).get();

    const communities = top.map((c) => {
      const products = [...catalog.getMany(c.members).values()].sort((a, b) => b.orders - a.orders);
      return {communityId: c.communityId, name: communityName(products), size: c.size, purchases: c.purchases, products: products.slice(0, SHOWN_PER_COMMUNITY)};
    });

    const pairs = distinctPairs(strongest).slice(0, TOP_PAIRS);
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

    res.json({model: {version: active.version}, communities, topPairs, withoutCompanions});
  });
  return router;
}

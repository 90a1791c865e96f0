import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {companionsFor} from '../../../server/recommend/storefront';
import {openShopDb} from '../../../storage/open';
import type {Db} from '../../../storage/open';
import {modelWriter} from '../../../storage/repos/model-writer';
import {shopsRepo} from '../../../storage/repos/shops';
import {trainRunsRepo} from '../../../storage/repos/train-runs';
import type {ShopDomain} from '../../../storage/shop-domain';
import {sessionToken} from '../../../devkit/session-token';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {pid, seedStore} from '../api/fixture';

const SMALL = 'serving-small.myshopify.com' as ShopDomain;
const BIG = 'serving-big.myshopify.com' as ShopDomain;
const BASE = 5_000;
const BIG_PRODUCTS = 5_000;

let app: TestApp;
const db = (shop: ShopDomain): Db => app.services.shopDbs.get(shop);

/** A model of 5,000 products of 20 companions (100k rows, no cart model), published as the trainer publishes. */
function publishBigModel(target: Db): void {
  target.transaction(() => {
    const pairs = [];
    for (let p = 1; p <= BIG_PRODUCTS; p++) {
      for (let r = 1; r <= 20; r++) {
        pairs.push({
          productId: 1_000_000 + p, rank: r, companionId: 1_000_000 + ((p + r) % BIG_PRODUCTS) + 1, score: 1 / r, source: 'copurchase',
          count: 3, support: 0.01, confidence: 0.5, lift: 2, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null,
        });
      }
    }
    modelWriter(target).publish({kind: 'model', backend: 'cpu', report: {}, pairs, bundles: [], communities: [], productOrders: [], runId: trainRunsRepo(target).start()});
  })();
}

beforeAll(async () => {
  app = await startTestApp();
  for (const shop of [SMALL, BIG]) shopsRepo(app.services.appDb).recordInstall(shop, 'read_orders');
  seedStore(db(SMALL), BASE);
  publishBigModel(db(BIG));
});
afterAll(async () => app.close());

function proxyUrl(shop: ShopDomain, products: string): string {
  return `${app.url}/proxy/recommendations?${signProxyQuery(new URLSearchParams({products}), {shop, secret: app.secret, pathPrefix: '/apps/pairwise'})}`;
}

/** What the proxy shows once a version flipped in elsewhere is loaded (the old one serves meanwhile). */
async function shownOnceLoaded(products: string, expected: number[]): Promise<number[]> {
  let ids = await shown(products);
  for (let i = 0; i < 100 && JSON.stringify(ids) !== JSON.stringify(expected); i++) {
    await new Promise((r) => setTimeout(r, 10));
    ids = await shown(products);
  }
  return ids;
}

async function shown(products: string, shop = SMALL): Promise<number[]> {
  const res = await fetch(proxyUrl(shop, products));
  expect(res.status).toBe(200);
  return ((await res.json()) as {products: {id: number}[]}).products.map((p) => p.id);
}

/** The selection run afresh over the file, as the admin preview and the publisher run it. */
async function selectedNow(anchors: number[]): Promise<number[]> {
  const model = await app.services.models.get(SMALL, db(SMALL), {fresh: true});
  return companionsFor(db(SMALL), model, anchors, {block: 'cart'}).map((c) => c.id);
}

describe('app proxy lists kept between changes', () => {
  const anchors = [[1], [2], [3], [5], [6], [1, 5], [2, 3]].map((a) => a.map((n) => pid(BASE, n)));

  it('answers what the selection over the file gives, asked once or many times', async () => {
    for (let round = 0; round < 3; round++) {
      for (const a of anchors) expect(await shown(a.join(','))).toEqual(await selectedNow(a));
    }
    expect(await shown(String(pid(BASE, 2)))).toEqual([pid(BASE, 1), pid(BASE, 3)]);
  });

  it("shows the merchant's exclusion, a product change from another connection and a new model at the next request", async () => {
    // Product 2's cart upsell: products 1 and 3 (both under half its price).
    const anchor = String(pid(BASE, 2));
    expect(await shown(anchor)).toEqual([pid(BASE, 1), pid(BASE, 3)]);

    // The admin route, on the server's own handle.
    const token = await sessionToken({shop: SMALL, apiKey: app.apiKey, secret: app.secret});
    const excluded = await fetch(`${app.url}/api/excluded-products/${pid(BASE, 1)}`, {method: 'PUT', headers: {Authorization: `Bearer ${token}`}});
    expect(excluded.status).toBeLessThan(300);
    expect(await shown(anchor)).toEqual([pid(BASE, 3)]);

    const other = openShopDb(app.dataDir, SMALL);
    try {
      // Another process's connection (a backfill, the trainer): product 3 sold out.
      other.prepare('UPDATE products SET available = 0 WHERE product_id = ?').run(pid(BASE, 3));
      expect(await shown(anchor)).toEqual([]);

      // A new model flipped in by another connection: product 2 now has product 7 as its only companion.
      const pair = {productId: pid(BASE, 2), rank: 1, companionId: pid(BASE, 7), score: 1, source: 'copurchase', count: 3, support: 0.3, confidence: 0.9, lift: 3, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null};
      modelWriter(other).publish({kind: 'model', backend: 'cpu', report: {}, pairs: [pair], bundles: [], communities: [], productOrders: [], runId: trainRunsRepo(other).start()});
      expect(await shownOnceLoaded(anchor, [pid(BASE, 7)])).toEqual([pid(BASE, 7)]);
    } finally {
      other.close();
    }
  });

  it("answers a small shop while a big shop's model is still loading", async () => {
    const order: string[] = [];
    const big = fetch(proxyUrl(BIG, '1000001')).then(async (res) => {
      await res.arrayBuffer();
      order.push('big');
    });
    // Sent once the big shop's request is being served (its load under way).
    await new Promise((r) => setTimeout(r, 30));
    const small = fetch(proxyUrl(SMALL, String(pid(BASE, 5)))).then(async (res) => {
      await res.arrayBuffer();
      order.push('small');
    });
    await Promise.all([big, small]);
    expect(order).toEqual(['small', 'big']);
  });

  it('an id beyond 2^53 names no product: it is not rounded onto one that exists', async () => {
    // 9007199254740993 as a JS number is 9007199254740992 (2^53), which the model below lists.
    const listed = (productId: number, companion: number) => ({productId, rank: 1, companionId: pid(BASE, companion), score: 1, source: 'copurchase', count: 3, support: 0.3, confidence: 0.9, lift: 3, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null});
    const other = openShopDb(app.dataDir, SMALL);
    try {
      modelWriter(other).publish({kind: 'model', backend: 'cpu', report: {}, pairs: [listed(2 ** 53 - 1, 6), listed(2 ** 53, 7)], bundles: [], communities: [], productOrders: [], runId: trainRunsRepo(other).start()});
    } finally {
      other.close();
    }
    expect(await shownOnceLoaded(String(2 ** 53 - 1), [pid(BASE, 6)])).toEqual([pid(BASE, 6)]);
    expect(await shown('9007199254740993')).toEqual([]);
  });
});

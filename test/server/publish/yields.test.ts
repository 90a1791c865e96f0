import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {publishMetafields} from '../../../server/publish/metafields';
import {modelWriter} from '../../../storage/repos/model-writer';
import type {ModelPairRow} from '../../../storage/repos/model-writer';
import {productsRepo} from '../../../storage/repos/products';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';

// A settings change republishes every list of a big shop; another shop's storefront request is answered while
// those lists are being computed, not after them ([H]: one event loop serves every shop).

const BIG = parseShopDomain('big-catalogue.myshopify.com')!;
const SMALL = parseShopDomain('small-neighbour.myshopify.com')!;
const PRODUCTS = 6000;
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({onInstalled: () => {}});
  for (const shop of [BIG, SMALL]) shopsRepo(app.services.appDb).recordInstall(shop, 'read_orders');
  const db = app.services.shopDbs.get(BIG);
  const at = '2026-11-01T00:00:00Z';
  db.transaction(() => {
    for (let id = 1; id <= PRODUCTS; id++) {
      productsRepo(db).upsert({productId: id, title: `P${id}`, handle: `p${id}`, status: 'active', available: true, price: 10, productType: '', vendor: '', tags: '', description: '', imageUrl: null, giftCard: false, createdAt: at, updatedAt: at});
    }
  })();
  const pairs: ModelPairRow[] = [];
  for (let id = 1; id <= PRODUCTS; id++) {
    for (let k = 1; k <= 10; k++) {
      pairs.push({productId: id, rank: k, companionId: ((id + k - 1) % PRODUCTS) + 1, score: 1 / k, source: 'copurchase', count: 5, support: 0.01, confidence: 0.5, lift: 3, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null});
    }
  }
  modelWriter(db).publish({kind: 'model', backend: null, report: {}, pairs, bundles: [], communities: []});
});
afterAll(async () => app?.close());

describe('republishing a big catalogue', () => {
  it('lets another shop\'s storefront request through while the lists are computed', async () => {
    let computedAt = 0;
    // No offline session for the big shop: the publish stops with NoOfflineSession right after computing its lists.
    const publishing = publishMetafields(app.services, BIG).catch(() => void (computedAt = performance.now()));
    const query = signProxyQuery(new URLSearchParams({products: '1'}), {shop: SMALL, secret: app.secret, pathPrefix: '/apps/pairwise'});
    const res = await fetch(`${app.url}/proxy/recommendations?${query}`);
    const answeredAt = performance.now();
    expect(res.status).toBe(200);
    await publishing;
    expect(computedAt).toBeGreaterThan(0);
    expect(answeredAt).toBeLessThan(computedAt);
  }, 60_000);

  it('merges the republishes asked for while one runs into the single one that follows it', async () => {
    const first = publishMetafields(app.services, BIG).catch((err: Error) => err.name);
    const later = Array.from({length: 9}, (_, i) => publishMetafields(app.services, BIG, [i + 1]));
    expect(new Set(later).size).toBe(1);
    expect(later[0]).not.toBe(first);
    await Promise.allSettled([first, ...later]);
    // After both ended, a new request starts a publish of its own at once.
    const again = publishMetafields(app.services, BIG, [1]);
    expect(again).not.toBe(later[0]);
    await again.catch(() => undefined);
  }, 60_000);
});

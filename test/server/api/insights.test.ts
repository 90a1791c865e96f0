import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CatalogProduct} from '../../../storage/repos/catalog';
import {communityName} from '../../../server/routes/api/insights';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';
import {seedStore} from './fixture';
import {ordersRepo} from '../../../storage/repos/orders';
import {productsRepo} from '../../../storage/repos/products';
import type {ProductRecord} from '../../../storage/repos/products';
import {modelWriter} from '../../../storage/repos/model-writer';
import type {ModelPairRow} from '../../../storage/repos/model-writer';
import {trainRunsRepo} from '../../../storage/repos/train-runs';
import {watchLoopGaps} from '../loop-gaps';

const SHOP = 'coffee-corner.myshopify.com';
let app: ApiApp;

beforeAll(async () => {
  app = await startApiApp();
  seedStore(app.services.shopDbs.get(SHOP as never), 1000);
});
afterAll(() => app?.close());

const product = (productType: string, tags: string[]) => ({productType, tags}) as CatalogProduct;

describe('communityName', () => {
  it.each([
    ['shared type and tag', [product('Coffee', ['gear']), product('Coffee', ['gear', 'x'])], 'Coffee · gear'],
    ['type and tag that are the same word', [product('Tea', ['tea']), product('Tea', ['tea'])], 'Tea'],
    ['nothing shared by half', [product('A', ['x']), product('B', ['y']), product('C', ['z'])], null],
    ['no products', [], null],
  ])('%s', (_case, products, expected) => {
    expect(communityName(products)).toBe(expected);
  });
});

describe('GET /api/insights', () => {
  it('names communities, ranks pairs by lift and finds best sellers without a good companion', async () => {
    const {status, json} = await call(app, SHOP, 'GET', '/api/insights');
    expect(status).toBe(200);
    expect(json.communities.map((c: {name: string; size: number}) => [c.name, c.size])).toEqual([['Coffee', 4], ['Tea', 3]]);
    // Only pairs seen in 3+ orders: a lift from two orders is noise. Each pair once, though both directions are stored.
    expect(json.topPairs.map((p: {product: {title: string}; companion: {title: string}; lift: number}) => [p.product.title, p.companion.title, p.lift])).toEqual([
      ['Espresso beans', 'Milk frother', 1.5],
      ['Espresso beans', 'Ceramic cup', 1.4],
    ]);
    expect(json.withoutCompanions.map((p: {product: {title: string}}) => p.product.title)).toEqual(['Gift card', 'Honey jar', 'Paper filters']);
  });

  it.each<[string, Partial<ProductRecord>]>([
    ['a gift card', {giftCard: true}],
    ['a draft', {status: 'draft'}],
    ['an archived product', {status: 'archived'}],
    ['a sold-out product', {available: false}],
    ['a product with no price', {price: 0}],
  ])('leaves out best sellers a shopper cannot buy: %s', async (name, change) => {
    // A store of its own: the best seller, bought alone in every order, is the one thing that changes.
    const shop = `lonely-${name.replace(/[^a-z]+/g, '-')}.myshopify.com`;
    const db = app.services.shopDbs.get(shop as never);
    const lonely = (over: Partial<ProductRecord>) =>
      productsRepo(db).upsert({
        productId: 2100, title: 'Best seller', handle: 'best-seller', status: 'active', available: true, price: 20, productType: 'Gift',
        vendor: 'Store', tags: '', description: '', imageUrl: null, giftCard: false, createdAt: '2026-11-01T10:00:00Z', updatedAt: '2026-11-01T10:00:00Z', ...over,
      });
    lonely({});
    for (let i = 0; i < 12; i++) {
      ordersRepo(db).upsert({
        orderId: 2_000_000 + i, name: `#${5000 + i}`, createdAt: '2026-11-02T12:00:00Z', updatedAt: '2026-11-02T12:00:00Z', cancelledAt: null,
        currency: 'EUR', totalPrice: 20, customerHash: null, source: 'demo',
        lines: [{lineId: 1, productId: 2100, variantId: null, quantity: 1, price: 20, pairwiseBlock: null, pairwiseAnchor: null}],
      });
    }
    // Counted as the trainer counts them, when the model is published (seedStore publishes one).
    seedStore(db, 2000);
    const titles = async () => (await call(app, shop, 'GET', '/api/insights')).json.withoutCompanions.map((p: {product: {title: string}}) => p.product.title);
    expect(await titles()).toEqual(['Best seller', 'Gift card', 'Honey jar', 'Paper filters']);
    lonely(change);
    expect(await titles()).toEqual(['Gift card', 'Honey jar', 'Paper filters']);
  });

  it('is empty before the first model', async () => {
    const {json} = await call(app, 'new-store.myshopify.com', 'GET', '/api/insights');
    expect(json).toEqual({model: null, communities: [], topPairs: [], withoutCompanions: []});
  });

  it("reads a big model in slices: another shop's request never waits the whole of it", async () => {
    // 20k products in 400 communities, 20 companions each (400k pairs): read in one go, one request held the loop.
    const shop = 'insights-big.myshopify.com';
    const db = app.services.shopDbs.get(shop as never);
    const products = 20_000;
    function* pairs(): Generator<ModelPairRow> {
      for (let p = 1; p <= products; p++) {
        for (let r = 1; r <= 20; r++) {
          yield {productId: p, rank: r, companionId: ((p + r * 7) % products) + 1, score: 1 / r, source: 'copurchase', count: 2 + (p % 5), support: 0.01,
            confidence: 0.3, lift: 1 + ((p * 31 + r) % 997) / 100, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null};
        }
      }
    }
    modelWriter(db).publish({
      kind: 'model', backend: 'cpu', report: {}, pairs: pairs(), bundles: [],
      communities: Array.from({length: 400}, (_, c) => ({communityId: c + 1, productIds: Array.from({length: products / 400}, (_, i) => c * (products / 400) + i + 1)})),
      productOrders: Array.from({length: products}, (_, i) => ({productId: i + 1, orders: (i * 7919) % 1000})),
      runId: trainRunsRepo(db).start(),
    });
    const gaps = watchLoopGaps();
    const t0 = performance.now();
    const {status, json} = await call(app, shop, 'GET', '/api/insights');
    const tookMs = performance.now() - t0;
    const worstMs = await gaps.stop();
    console.info(`insights: 400k pairs, 20k community members read in ${tookMs.toFixed(0)} ms; the loop waited at most ${worstMs.toFixed(1)} ms`);
    expect(status).toBe(200);
    expect(json.communities).toHaveLength(20);
    expect(json.topPairs).toHaveLength(20);
    // The strongest lift in the model (10.96), and pairs in order of lift.
    expect(json.topPairs[0].lift).toBeCloseTo(10.96);
    const lifts = json.topPairs.map((p: {lift: number}) => p.lift);
    expect(lifts).toEqual([...lifts].sort((a: number, b: number) => b - a));
    expect(worstMs).toBeLessThan(tookMs / 5);
  });
});

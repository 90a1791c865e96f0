import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {communityName} from '../../../domain/insights';
import type {NamedMember} from '../../../domain/insights';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';
import {seedStore} from './fixture';
import {ordersRepo} from '../../../storage/repos/orders';
import {productsRepo} from '../../../storage/repos/products';
import type {ProductRecord} from '../../../storage/repos/products';
import {modelWriter} from '../../../storage/repos/model-writer';
import type {ModelPairRow} from '../../../storage/repos/model-writer';
import {trainRunsRepo} from '../../../storage/repos/train-runs';

const SHOP = 'coffee-corner.myshopify.com';
let app: ApiApp;

beforeAll(async () => {
  app = await startApiApp();
  seedStore(app.services.shopDbs.get(SHOP as never), 1000);
});
afterAll(() => app?.close());

const product = (productType: string, tags: string[]): NamedMember => ({productType, tags});

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

  it("answers from the version's stored insights, worked out when it was published", async () => {
    // 20k products in 400 communities, 20 companions each (400k pairs): what the page shows is written with the version.
    const shop = 'insights-big.myshopify.com';
    const db = app.services.shopDbs.get(shop as never);
    const products = 20_000;
    const upsert = productsRepo(db);
    db.transaction(() => {
      for (let p = 1; p <= products; p++) {
        upsert.upsert({
          productId: p, title: `Product ${p}`, handle: `product-${p}`, status: 'active', available: true, price: 5,
          productType: p % 50 < 40 ? `Type ${Math.floor((p - 1) / 50)}` : 'Other', vendor: 'Store', tags: '', description: '', imageUrl: null,
          giftCard: false, createdAt: '2026-11-01T10:00:00Z', updatedAt: '2026-11-01T10:00:00Z',
        });
      }
    })();
    function* pairs(): Generator<ModelPairRow> {
      for (let p = 1; p <= products; p++) {
        for (let r = 1; r <= 20; r++) {
          yield {productId: p, rank: r, companionId: ((p + r * 7) % products) + 1, score: 1 / r, source: 'copurchase', count: 2 + (p % 5), support: 0.01,
            confidence: 0.3, lift: 1 + ((p * 31 + r) % 997) / 100, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null};
        }
      }
    }
    // Communities of 50 products in id order; orders favour the higher communities, so the page's order is not the id order.
    modelWriter(db).publish({
      kind: 'model', backend: 'cpu', report: {}, pairs: pairs(), bundles: [],
      communities: Array.from({length: 400}, (_, c) => ({communityId: c + 1, productIds: Array.from({length: products / 400}, (_, i) => c * (products / 400) + i + 1)})),
      productOrders: Array.from({length: products}, (_, i) => ({productId: i + 1, orders: Math.floor(i / 50) + (i % 7)})),
      runId: trainRunsRepo(db).start(),
    });
    // The version's rows behind them are no longer read: emptied, the page still shows the same.
    db.prepare('DELETE FROM model_communities').run();
    const {status, json} = await call(app, shop, 'GET', '/api/insights');
    expect(status).toBe(200);
    expect(json.communities.map((c: {communityId: number}) => c.communityId)).toEqual(Array.from({length: 20}, (_, i) => 400 - i));
    expect(json.communities[0]).toMatchObject({name: 'Type 399', size: 50});
    // Most ordered first: products 19957 and 19964 (399 + 6 orders each) lead community 400, the lower id first.
    expect(json.communities[0].products.map((p: {productId: number}) => p.productId).slice(0, 2)).toEqual([19_957, 19_964]);
    expect(json.topPairs).toHaveLength(20);
    // The strongest lift in the model (10.96) among pairs seen 3+ times, pairs in order of lift, each pair once.
    expect(json.topPairs[0].lift).toBeCloseTo(10.96);
    expect(json.topPairs.every((p: {count: number}) => p.count >= 3)).toBe(true);
    const lifts = json.topPairs.map((p: {lift: number}) => p.lift);
    expect(lifts).toEqual([...lifts].sort((a: number, b: number) => b - a));
    const reference = db.prepare(
      `SELECT min(product_id, companion_id) AS a, max(product_id, companion_id) AS b FROM model_pairs WHERE count >= 3
       GROUP BY a, b ORDER BY max(lift) DESC, max(count) DESC, a, b LIMIT 20`,
    ).all() as {a: number; b: number}[];
    expect(json.topPairs.map((p: {productId: number; companionId: number}) => [Math.min(p.productId, p.companionId), Math.max(p.productId, p.companionId)]))
      .toEqual(reference.map((r) => [r.a, r.b]));
  });
});

import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CatalogProduct} from '../../../storage/repos/catalog';
import {communityName} from '../../../server/routes/api/insights';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';
import {seedStore} from './fixture';

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

  it('is empty before the first model', async () => {
    const {json} = await call(app, 'new-store.myshopify.com', 'GET', '/api/insights');
    expect(json).toEqual({model: null, communities: [], topPairs: [], withoutCompanions: []});
  });
});

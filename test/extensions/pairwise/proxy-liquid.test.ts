import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createPreviewStorefront} from '../../../devkit/storefront';
import type {PreviewStorefront} from '../../../devkit/storefront';
import {generateStore} from '../../../devkit/store-generator';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {productPayload} from '../../../devkit/webhooks';
import {productFromWebhook} from '../../../server/webhooks/products';
import {modelWriter} from '../../../storage/repos/model-writer';
import {productsRepo} from '../../../storage/repos/products';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';

// The app proxy's Liquid answer (`format=liquid`) through the preview storefront, which renders
// `application/liquid` as Shopify does: in the shopper's storefront, inside the theme layout unless the
// Liquid opts out with `{% layout none %}`. The answer is a fragment, so it must opt out.

const SHOP = parseShopDomain('liquid-proxy.myshopify.com')!;
const store = generateStore({seed: 11, orders: 10, products: 30});
// The dearest product as the anchor, the three cheapest as companions: under the cart upsell's price cap.
const sellable = store.products
  .filter((p) => p.status === 'active' && p.available && !p.giftCard && Number(p.price) > 0)
  .sort((a, b) => Number(b.price) - Number(a.price));
const anchor = sellable[0];
const companions = sellable.slice(-3);
let app: TestApp;
let storefront: PreviewStorefront;

beforeAll(async () => {
  app = await startTestApp();
  shopsRepo(app.services.appDb).recordInstall(SHOP, 'read_orders,read_products');
  const db = app.services.shopDbs.get(SHOP);
  db.transaction(() => store.products.forEach((p) => productsRepo(db).upsert(productFromWebhook(productPayload(p)))))();
  modelWriter(db).publish({
    kind: 'model', backend: null, report: {}, bundles: [], communities: [],
    pairs: companions.map((c, i) => ({
      productId: anchor.id, rank: i + 1, companionId: c.id, score: 1 / (i + 1), source: 'copurchase',
      count: 10, support: 0.01, confidence: 0.5, lift: 3, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null,
    })),
  });
  storefront = createPreviewStorefront({
    products: store.products.map((p) => ({id: p.id, handle: p.handle, title: p.title, price: Math.round(Number(p.price) * 100), available: p.available, status: p.status, giftCard: p.giftCard, variantId: p.variantId})),
    recommendationsFor: () => [],
    shop: SHOP,
    proxyOrigin: app.url,
    secret: app.secret,
  });
  await storefront.listen();
});
afterAll(async () => {
  await storefront?.close();
  await app?.close();
});

describe('app proxy Liquid answer', () => {
  it('is a fragment: no theme layout around it, the companions rendered from all_products', async () => {
    const res = await fetch(`${storefront.url}/apps/pairwise/recommendations?products=${anchor.id}&format=liquid`);
    expect(res.status).toBe(200);
    const html = (await res.text()).trim();
    expect(html).not.toMatch(/<html|<body|<header/i);
    expect(html).toMatch(/^<ul class="pairwise-proxy-list">/);
    const titles = [...html.matchAll(/<a href="\/products\/[^"]+">([^<]*)<\/a>/g)].map((m) => m[1]);
    expect(titles).toEqual(companions.map((c) => c.title.replace(/&/g, '&amp;')));
  });
});

import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../../devkit/store-generator';
import {seededRandom} from '../../../domain/random';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {sessionToken} from '../../../devkit/session-token';
import {productPayload} from '../../../devkit/webhooks';
import {productFromWebhook} from '../../../server/webhooks/products';
import {curationRepo} from '../../../storage/repos/curation';
import {modelWriter} from '../../../storage/repos/model-writer';
import type {ModelCartRow} from '../../../storage/repos/model-writer';
import {productsRepo} from '../../../storage/repos/products';
import {settingsRepo} from '../../../storage/repos/settings';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';

// The cart upsell through the app proxy scores the whole cart with the published cart model: each product by the
// sum of the cart products' weights, then the showability rules and the price cap. Checked against a reference
// written here from the contracts, on random carts over a catalogue with sold-out, draft, gift-card and free products.

const SHOP = parseShopDomain('cart-model.myshopify.com')!;
const store = generateStore({seed: 21, orders: 10, products: 120});
const products = store.products;
const byId = new Map(products.map((p) => [p.id, p]));
const random = seededRandom(7);
const RATIO = 0.8;
let app: TestApp;
let weights: ModelCartRow[];

beforeAll(async () => {
  app = await startTestApp();
  shopsRepo(app.services.appDb).recordInstall(SHOP, 'read_orders');
  const db = app.services.shopDbs.get(SHOP);
  db.transaction(() => products.forEach((p) => productsRepo(db).upsert(productFromWebhook(productPayload(p)))))();
  // Each product gives 1-30 others a weight in [-1, 1): negative weights say "not with this" and count.
  weights = products.flatMap((p) => {
    const others = products.filter((o) => o.id !== p.id).sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 30));
    return others.map((o) => ({productId: p.id, companionId: o.id, weight: Math.round((random() * 2 - 1) * 1000) / 1000}));
  });
  modelWriter(db).publish({kind: 'model', backend: null, report: {}, pairs: [], bundles: [], communities: [], cart: weights});
  settingsRepo(db).update({upsellPriceRatio: RATIO});
});
afterAll(async () => app?.close());

/** What the contracts say the upsell shows for `cart`: summed weights, no cart products, only what a shopper may buy. */
function reference(cart: number[], limit: number, excluded: Set<number> = new Set()): number[] {
  const scores = new Map<number, number>();
  for (const w of weights) if (cart.includes(w.productId)) scores.set(w.companionId, (scores.get(w.companionId) ?? 0) + w.weight);
  const cap = Math.max(...cart.map((id) => Number(byId.get(id)!.price))) * RATIO;
  return [...scores]
    .filter(([id, score]) => {
      const p = byId.get(id)!;
      const forSale = p.status === 'active' && p.available && !p.giftCard && Number(p.price) > 0;
      return score > 0 && !cart.includes(id) && !excluded.has(id) && forSale && (cap <= 0 || Number(p.price) <= cap);
    })
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, limit)
    .map(([id]) => id);
}

async function upsell(cart: number[], limit: number): Promise<number[]> {
  const query = signProxyQuery(new URLSearchParams({products: cart.join(','), limit: String(limit)}), {shop: SHOP, secret: app.secret, pathPrefix: '/apps/pairwise'});
  const res = await fetch(`${app.url}/proxy/recommendations?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as {products: {id: number}[]}).products.map((p) => p.id);
}

describe('cart upsell with the cart model', () => {
  it('equals the reference scoring of the published weights after the filters, on 40 random carts', async () => {
    let nonEmpty = 0;
    for (let i = 0; i < 40; i++) {
      const size = 1 + Math.floor(random() * 5);
      const cart = [...new Set(Array.from({length: size}, () => products[Math.floor(random() * products.length)].id))];
      const limit = 1 + Math.floor(random() * 8);
      const answer = await upsell(cart, limit);
      expect(answer, `cart ${cart.join(',')}`).toEqual(reference(cart, limit));
      if (answer.length > 0) nonEmpty += 1;
    }
    expect(nonEmpty).toBeGreaterThan(20);
  });

  it('keeps out a product the merchant excluded', async () => {
    const cart = [products.find((p) => reference([p.id], 5).length > 2)!.id];
    const before = await upsell(cart, 5);
    expect(before.length).toBeGreaterThan(1);
    const db = app.services.shopDbs.get(SHOP);
    curationRepo(db).excludeProduct(before[0]);
    const after = await upsell(cart, 5);
    expect(after).toEqual(reference(cart, 5, new Set([before[0]])));
    curationRepo(db).includeProduct(before[0]);
  });

  it('the admin\'s preview of a product shows the cart upsell the storefront answers with that product in the cart', async () => {
    const db = app.services.shopDbs.get(SHOP);
    const maxItems = settingsRepo(db).get().maxItems;
    const token = await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret});
    let compared = 0;
    for (const p of products.slice(0, 30)) {
      const res = await fetch(`${app.url}/api/products/${p.id}/recommendations`, {headers: {authorization: `Bearer ${token}`}});
      expect(res.status).toBe(200);
      const body = (await res.json()) as {upsell: {product: {productId: number}}[]};
      const storefront = await upsell([p.id], maxItems);
      expect(body.upsell.map((u) => u.product.productId)).toEqual(storefront);
      if (storefront.length > 0) compared += 1;
    }
    expect(compared).toBeGreaterThan(10);
  });
});

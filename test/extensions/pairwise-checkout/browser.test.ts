import {existsSync} from 'node:fs';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CheckoutHarness} from '../../../devkit/checkout-harness';
import type {CheckoutTarget, HarnessPage} from '../../../devkit/checkout-harness';
import type {StoreProduct} from '../../../devkit/store-generator';
import {productPayload} from '../../../devkit/webhooks';
import {extensionSessionToken} from '../../../devkit/checkout-harness/session-token';
import {productFromWebhook} from '../../../server/webhooks/products';
import {productsRepo} from '../../../storage/repos/products';
import {sampleCarts, trainedShop} from '../../../devkit/checkout-harness/trained-shop';
import type {TrainedShop} from '../../../devkit/checkout-harness/trained-shop';
import {chromiumPath, launchChromium} from '../../../devkit/chromium';

// Each target of the checkout UI extension rendered in Chromium by the devkit harness, with the documented
// `shopify` API objects, the Storefront API over the stand-in's products and the metafields the real publisher
// wrote from a real trained model; what it shows is compared with the server's own cart upsell for the same cart.

const CHECKOUT: CheckoutTarget = 'purchase.checkout.cart-line-list.render-after';
const THANK_YOU: CheckoutTarget = 'purchase.thank-you.block.render';
const ORDER_STATUS: CheckoutTarget = 'customer-account.order-status.block.render';

describe.skipIf(!existsSync(chromiumPath))('checkout UI extension in Chromium', () => {
  let shop: TrainedShop;
  let harness: CheckoutHarness;
  let browser: Browser;
  let hideMetafields = false;
  const products = new Map<number, StoreProduct>();

  beforeAll(async () => {
    shop = await trainedShop();
    for (const p of shop.store.products) products.set(p.id, {...p});
    harness = await CheckoutHarness.start({
      products: () => products.values(),
      metafields: () => (hideMetafields ? [] : shop.standin.metafields(shop.shop)),
      appId: shop.standin.appId,
      currency: 'USD',
      appUrl: shop.app.url,
      sessionToken: () => extensionSessionToken({shop: shop.shop, apiKey: shop.app.apiKey, secret: shop.app.secret}),
    });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await shop?.close();
  });

  /** Opens a target's page and waits until the extension has rendered what its Storefront queries gave it. */
  async function open(page: HarnessPage): Promise<{page: Page; url: string}> {
    const url = harness.page(page);
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (e) => problems.push(e.message));
    tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await tab.goto(url);
    await tab.waitForFunction(() => {
      const h = (window as unknown as {__harness?: {booted?: boolean; pending: number}}).__harness;
      return h?.booted === true && h.pending === 0;
    });
    const errors = await tab.evaluate(() => (window as unknown as {__harness: {errors: string[]}}).__harness.errors);
    expect([...errors, ...problems], 'nothing throws').toEqual([]);
    return {page: tab, url};
  }

  /** The extension's events the app stored for this product in this block, once they have arrived (they are sent after render). */
  async function eventsFor(product: string | number, block: string, types: string[]): Promise<{type: string; anchor: number | null}[]> {
    const read = () =>
      shop.app.services.shopDbs
        .get(shop.shop)
        .prepare('SELECT type, anchor_id AS anchor FROM events WHERE product_id = ? AND block = ? ORDER BY id')
        .all(Number(product), block) as {type: string; anchor: number | null}[];
    for (let i = 0; i < 50 && !types.every((t) => read().some((e) => e.type === t)); i++) await new Promise((r) => setTimeout(r, 100));
    return read();
  }

  const titleOf = (id: string | number) => products.get(Number(id))!.title;
  const variantGid = (id: string | number) => `gid://shopify/ProductVariant/${products.get(Number(id))!.variantId}`;

  /** Carts the server has an answer for. */
  async function answeredCarts(count: number, seed: number): Promise<{cart: number[]; server: string[]}[]> {
    const found = [];
    for (const cart of sampleCarts(shop, 60, seed)) {
      const server = await shop.serverOffers(cart, 3);
      if (server.length) found.push({cart, server});
      if (found.length === count) break;
    }
    return found;
  }

  it('offers in checkout the top of the server cart model ranking for the lines', async () => {
    for (const {cart, server} of await answeredCarts(5, 21)) {
      const {page} = await open({target: CHECKOUT, lines: cart});
      expect(await page.locator('s-button').count()).toBe(1);
      expect(await page.locator('s-text').first().textContent(), `cart ${cart.join(',')}`).toBe(titleOf(server[0]));
      await page.close();
    }
  });

  it('"Add" changes the checkout lines once, with the offered variant, and the offer goes', async () => {
    const [{cart, server}] = await answeredCarts(1, 22);
    const {page, url} = await open({target: CHECKOUT, lines: cart});
    const before = harness.changes.length;
    await page.locator('s-button').dblclick();
    await page.locator('s-button').waitFor({state: 'detached'});
    const changes = harness.changes.slice(before).map((c) => c.change);
    expect(changes).toEqual([{type: 'addCartLine', merchandiseId: variantGid(server[0]), quantity: 1, attributes: [{key: '_pairwise', value: `checkout:${cart[0]}`}]}]);
    expect(harness.lines(url)).toEqual([...cart, Number(server[0])]);
    // The funnel, in the same table as the theme blocks': shown, then added, in the checkout block.
    const events = await eventsFor(server[0], 'checkout', ['rendered', 'added']);
    expect(events.filter((e) => e.anchor === cart[0]).map((e) => e.type)).toEqual(expect.arrayContaining(['rendered', 'added']));
    expect(events.filter((e) => e.type === 'added')).toHaveLength(1);
    await page.close();
  });

  it('never shows a product once it sells out, nor an excluded one: the next of the server ranking instead', async () => {
    const {pairExcluded, excludedProduct} = shop.curation;
    const [{cart, server}] = await answeredCarts(1, 23);
    const top = products.get(Number(server[0]))!;
    const db = shop.app.services.shopDbs.get(shop.shop);
    const soldOut = {...top, available: false, inventory: 0};
    products.set(top.id, soldOut);
    productsRepo(db).upsert(productFromWebhook(productPayload(soldOut)));
    try {
      const now = await shop.serverOffers(cart, 3);
      expect(now).not.toContain(String(top.id));
      const {page} = await open({target: CHECKOUT, lines: cart});
      expect(await page.locator('s-text').first().textContent()).toBe(titleOf(now[0]));
      await page.close();
    } finally {
      products.set(top.id, top);
      productsRepo(db).upsert(productFromWebhook(productPayload(top)));
    }
    const {page} = await open({target: THANK_YOU, lines: [pairExcluded.anchor], settings: {offers: 4}});
    const shown = await page.locator('s-stack s-stack s-text:first-child').allTextContents();
    expect(shown).not.toContain(titleOf(pairExcluded.companion));
    expect(shown).not.toContain(titleOf(excludedProduct));
    await page.close();
  });

  it.each([
    [THANK_YOU, 'show_on_thank_you'],
    [ORDER_STATUS, 'show_on_order_status'],
  ] as const)('%s: "Complete the set" links a new cart for each of the server top products', async (target, surface) => {
    const [{cart, server}] = await answeredCarts(1, 24);
    const {page} = await open({target, lines: cart, settings: {offers: 3, heading: 'Finish the look'}});
    expect(await page.locator('s-heading').textContent()).toBe('Finish the look');
    const hrefs = await page.locator('s-link').evaluateAll((links) => links.map((l) => l.getAttribute('href')));
    expect(hrefs.map((h) => h!.split('?')[0])).toEqual(server.map((id) => `${harness.origin}/cart/${products.get(Number(id))!.variantId}:1`));
    // Each new cart's line carries the surface and the order's product, as the permalink's Base64 URL JSON properties.
    const block = surface === 'show_on_thank_you' ? 'thank_you' : 'order_status';
    for (const href of hrefs) {
      const properties = new URL(href!).searchParams.get('properties')!;
      expect(JSON.parse(Buffer.from(properties, 'base64url').toString('utf8'))).toEqual({_pairwise: `${block}:${cart[0]}`});
    }
    await page.locator('s-link').first().click();
    expect((await eventsFor(server[0], block, ['rendered', 'clicked'])).map((e) => e.type)).toEqual(expect.arrayContaining(['rendered', 'clicked']));
    await page.close();
    const off = await open({target, lines: cart, settings: {[surface]: false}});
    expect(await off.page.evaluate(() => document.body.childElementCount)).toBe(0);
    await off.page.close();
  });

  it('speaks the buyer language from the extension locale files', async () => {
    const [{cart}] = await answeredCarts(1, 25);
    const {page} = await open({target: THANK_YOU, lines: cart, language: 'fr'});
    expect(await page.locator('s-heading').textContent()).toBe('Complétez l’ensemble');
    await page.close();
  });

  it.each([CHECKOUT, THANK_YOU, ORDER_STATUS])('%s renders nothing, and throws nothing, without the model or its metafield', async (target) => {
    const [{cart}] = await answeredCarts(1, 26);
    const withoutModel = shop.store.products.find((p) => p.status === 'active' && !shop.cartModels.has(p.id))!;
    const bare = await open({target, lines: [withoutModel.id]});
    expect(await bare.page.evaluate(() => document.body.childElementCount)).toBe(0);
    await bare.page.close();
    hideMetafields = true;
    try {
      const hidden = await open({target, lines: cart});
      expect(await hidden.page.evaluate(() => document.body.childElementCount)).toBe(0);
      await hidden.page.close();
    } finally {
      hideMetafields = false;
    }
  });
});

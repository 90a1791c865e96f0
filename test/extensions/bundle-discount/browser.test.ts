import {existsSync, mkdirSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {randomBytes} from 'node:crypto';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DEFAULT_BUNDLE_DISCOUNT} from '../../../domain/bundle-discount';
import {sessionToken} from '../../../devkit/session-token';
import {ShopifyStandin} from '../../../devkit/shopify-standin';
import {createPreviewStorefront} from '../../../devkit/storefront';
import type {PreviewStorefront} from '../../../devkit/storefront';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../../../devkit/storefront/fixture';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {chromiumPath, launchChromium} from '../../../devkit/chromium';

// The whole loop in real parts: the merchant's save goes through the app's API to the Shopify stand-in (an
// automatic app discount plus the blocks' app-data metafield); the preview storefront renders the real block,
// and its cart runs the real function source. Chromium adds the bundle from the block and reads the cart.

const screenshots = resolve(import.meta.dirname, '../../../test-output/screenshots');

describe.skipIf(!existsSync(chromiumPath))('bundle discount in Chromium through the preview storefront', () => {
  let browser: Browser;
  let standin: ShopifyStandin;
  let app: TestApp;
  let store: PreviewStorefront;
  let shopState: ReturnType<ShopifyStandin['addShop']>;
  const apiKey = `key-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(16).toString('hex');
  const problems: string[] = [];

  const saveDiscount = async (enabled: boolean) => {
    const res = await fetch(`${app.url}/api/bundle-discount`, {
      method: 'PUT',
      headers: {Authorization: `Bearer ${await sessionToken({shop: fixtureShop, apiKey, secret})}`, 'Content-Type': 'application/json'},
      body: JSON.stringify({...DEFAULT_BUNDLE_DISCOUNT, enabled}),
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    mkdirSync(screenshots, {recursive: true});
    standin = await ShopifyStandin.start({apiKey, apiSecret: secret});
    shopState = standin.addShop(fixtureShop, {});
    app = await startTestApp({adminOrigin: standin.origin, apiKey, secret});
    store = createPreviewStorefront({
      products: fixtureProducts, recommendationsFor: fixtureRecommendationsFor, shop: fixtureShop,
      discounts: () => standin.appDiscounts(fixtureShop),
      appMetafields: () => {
        const out: Record<string, Record<string, unknown>> = {};
        for (const m of shopState.appMetafields.values()) (out[m.namespace] ??= {})[m.key] = m.type === 'json' ? JSON.parse(m.value) : m.value;
        return out;
      },
    });
    await store.listen();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await app?.close();
    await standin?.close();
  });

  async function shopper(): Promise<Page> {
    const page = await (await browser.newContext({viewport: {width: 1100, height: 900}})).newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    return page;
  }
  const cartOf = (page: Page) => page.evaluate(() => fetch('/cart.js').then((r) => r.json())) as Promise<{
    total_price: number; original_total_price: number; total_discount: number; items: {key: string; product_id: number; line_level_total_discount: number}[];
  }>;
  const addBundle = async (page: Page) => {
    await page.goto(`${store.url}/products/pour-over-kettle`);
    const block = page.locator('pairwise-bundle');
    await expect.poll(() => block.evaluate((el) => customElements.get('pairwise-bundle') !== undefined && !!el)).toBe(true);
    await block.locator('button[type="submit"]').click();
    await expect.poll(() => block.locator('[data-status]').textContent()).toContain('Added to your cart');
  };

  it('the block promises the saving the cart then gives; removing companions takes it away; off removes it', async () => {
    await saveDiscount(true);
    const page = await shopper();
    await page.goto(`${store.url}/products/pour-over-kettle`);
    const saving = page.locator('[data-bundle-saving]');
    expect(await saving.locator('.pairwise-saving__message').textContent()).toBe('Save 10% when bought together');
    // Kettle $59 + filters $6.50 + dripper $24: each is another's listed companion, so all three are 10% off.
    expect(await saving.locator('.pairwise-saving__total .pairwise-saving__now').innerText()).toContain('$80.55');
    expect(await saving.locator('s').first().isVisible()).toBe(true);
    const promised = Number(await saving.locator('[data-bundle-total]').getAttribute('data-bundle-total'));
    // Unchecking a product hides the bundle's prices (they are for the whole bundle); checking it again shows them.
    await page.locator('pairwise-bundle input[id$="-1002"]').uncheck();
    expect(await saving.locator('.pairwise-saving__total').isVisible()).toBe(false);
    await page.locator('pairwise-bundle input[id$="-1002"]').check();
    expect(await saving.locator('.pairwise-saving__total').isVisible()).toBe(true);
    await page.screenshot({path: join(screenshots, 'bundle-discount-block.png'), fullPage: true});

    await addBundle(page);
    let cart = await cartOf(page);
    expect(cart.total_discount).toBe(895);
    expect(cart.total_price).toBe(promised);
    await page.goto(`${store.url}/cart`);
    expect(await page.locator('[data-cart-total]').textContent()).toBe('$80.55');
    await page.screenshot({path: join(screenshots, 'bundle-discount-cart.png'), fullPage: true});

    for (const item of cart.items.filter((i) => i.product_id !== 1001)) {
      await page.evaluate((key) => fetch('/cart/change.js', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({id: key, quantity: 0})}), item.key);
    }
    await page.goto(`${store.url}/cart`);
    expect(await page.locator('[data-cart-total]').textContent()).toBe('$59.00');
    expect((await cartOf(page)).total_discount).toBe(0);

    await addBundle(page);
    expect((await cartOf(page)).total_discount).toBeGreaterThan(0);
    await saveDiscount(false);
    await page.goto(`${store.url}/products/pour-over-kettle`);
    expect(await page.locator('[data-bundle-saving]').count()).toBe(0);
    cart = await cartOf(page);
    expect(cart.total_discount).toBe(0);
    expect(cart.total_price).toBe(cart.original_total_price);
    expect(problems).toEqual([]);
  });
});

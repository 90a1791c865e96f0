import {existsSync} from 'node:fs';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ExperimentPeriod} from '../../../domain/experiment';
import type {PreviewStorefront} from '../../../devkit/storefront';
import {fixtureProducts} from '../../../devkit/storefront/fixture';
import {standardEventsCdnUrl, standardEventsJs} from '../../../devkit/storefront/themes/pages';
import {themeAvailable} from '../../../devkit/storefront/themes/theme-files';
import type {InstalledApp} from '../../../devkit/installed-app';
import {attributed, halfHeldOut, pixelClaim, pixelShop as shop, pixelStorefront, startPixelApp, thankYouOrderId, visit, visitorIn} from './pixel-shop';
import {chromiumPath, launchChromium} from '../../../devkit/chromium';

// "Buy it now" on the product pages of the themes merchants run, Horizon and Dawn rendered from their own source:
// the theme's `{{ form | payment_button }}` hosts Shopify's accelerated checkout element, whose unbranded button
// skips the cart. The order reaches the app as a signed orders/create with a checkout_token and no cart
// attributes, so only the web pixel, which the preview's pixel manager runs on these pages behind analytics
// consent, can put it in the visitor's group. Chromium, the real app, the pixel activated by the app's own
// webPixelCreate against the stand-in.

const PRODUCT = '/products/pour-over-kettle';
const themes = (['horizon', 'dawn'] as const).filter(themeAvailable);
/** A product with two variants: "Buy it now" buys the one selected. */
const scale = {id: 1011, handle: 'drip-scale', title: 'Drip Scale', price: 3900, options: ['Colour'], variants: [{id: 10111, values: ['Black']}, {id: 10112, values: ['White']}]};

describe.skipIf(!existsSync(chromiumPath) || themes.length === 0)('"Buy it now" on real themes, attributed by the web pixel, in Chromium', {timeout: 60_000}, () => {
  let browser: Browser;
  let pixel: InstalledApp;
  let period: ExperimentPeriod;
  const stores = new Map<string, PreviewStorefront>();

  beforeAll(async () => {
    pixel = await startPixelApp();
    const {app} = pixel;
    period = halfHeldOut(app);
    for (const theme of themes) {
      const store = pixelStorefront(pixel, {
        products: [...fixtureProducts, scale],
        theme,
        appMetafields: () => ({pairwise: {experiment: period}}),
        // Each store numbers its orders apart, as they share the app's shop file.
        checkout: {webhookUrl: `${app.url}/webhooks`, secret: app.secret, firstOrderId: 7_000_000_000 + 1_000_000 * stores.size},
      });
      await store.listen();
      stores.set(theme, store);
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([...stores.values()].map((s) => s.close()));
    await pixel?.close();
  });

  /** A visitor of `store` (see `visit`); outside requests other than the standard events module are refused. */
  const returning = (store: PreviewStorefront, visitor: string, consent: boolean, keepSeeding = false) =>
    visit(browser, store, {
      consent,
      returning: visitor,
      keepSeeding,
      prepare: (context) =>
        context.route(
          (url) => !url.href.startsWith(store.url),
          (route) => (route.request().url() === standardEventsCdnUrl
            ? route.fulfill({contentType: 'text/javascript', headers: {'Access-Control-Allow-Origin': '*'}, body: standardEventsJs})
            : route.abort()),
        ),
    });

  /** Clicks the theme's own dynamic checkout button (inside the product section) and ends on the Thank you page. */
  async function buyItNow(page: Page): Promise<number> {
    const button = page.locator('[id="shopify-section-template--1__main"] .shopify-payment-button shopify-accelerated-checkout');
    await expect(button.count()).resolves.toBe(1);
    await button.click();
    return thankYouOrderId(page);
  }
  const db = () => pixel.app.services.shopDbs.get(shop);
  const orderLines = (id: number) => db().prepare('SELECT product_id, variant_id, quantity FROM order_lines WHERE order_id = ?').all(id);

  for (const theme of themes) {
    it.each(['exposed', 'holdout'] as const)(`${theme}: a %s visitor buys once by the theme's "Buy it now"; the order lands in their group through the pixel`, async (arm) => {
      const store = stores.get(theme)!;
      const visitor = visitorIn(period, arm);
      const {context, page, errors, pixelCode} = await returning(store, visitor, true);
      let productLoads = 0;
      page.on('framenavigated', (frame) => void (frame === page.mainFrame() && new URL(frame.url()).pathname === PRODUCT && productLoads++));
      await page.goto(`${store.url}${PRODUCT}`);
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate(() => document.documentElement.getAttribute('data-pairwise-arm'))).toBe(arm);
      // The theme's page runs the pixel too, once analytics is allowed.
      expect(pixelCode).toContain('/pixel-sandbox/pixel/index.js');
      // The experiment's cart attributes went through Shopify.actions.updateCart, which writes them, and the page
      // was not reloaded for them: one load of the product page.
      const attributes = async () => ((await (await page.request.get(`${store.url}/cart.js`)).json()) as {attributes: Record<string, string>}).attributes;
      await expect.poll(attributes).toEqual({_pairwise_visitor: visitor, _pairwise_period: String(period.period), _pairwise_arm: arm});
      expect(productLoads).toBe(1);
      // Straight to checkout: the cart stays empty.
      const claim = pixelClaim(page);
      const id = await buyItNow(page);
      expect((await claim).status()).toBe(204);
      await expect.poll(() => attributed(pixel.app, id)).toEqual({visitor, arm, source: 'pixel'});
      expect(orderLines(id)).toEqual([{product_id: 1001, variant_id: 10011, quantity: 1}]);
      expect(((await (await page.request.get(`${store.url}/cart.js`)).json()) as {item_count: number}).item_count).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`${theme}: "Buy it now" buys the variant selected and the quantity chosen in the theme's product form`, async () => {
      const store = stores.get(theme)!;
      const {context, page, errors} = await returning(store, visitorIn(period, 'exposed'), false);
      await page.goto(`${store.url}/products/${scale.handle}?variant=10112`);
      await page.waitForLoadState('networkidle');
      await page.locator('[id="shopify-section-template--1__main"] input[name="quantity"]').fill('2');
      const id = await buyItNow(page);
      expect(orderLines(id)).toEqual([{product_id: scale.id, variant_id: 10112, quantity: 2}]);
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`${theme}: a visitor who declined buys by "Buy it now": the order is placed, the pixel never loads and no Pairwise request leaves`, async () => {
      const store = stores.get(theme)!;
      const {context, page, pairwise, pixelCode, errors} = await returning(store, visitorIn(period, 'exposed'), false, true);
      await page.goto(`${store.url}${PRODUCT}`);
      await page.waitForLoadState('networkidle');
      const id = await buyItNow(page);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      expect(db().prepare('SELECT count(*) AS n FROM orders WHERE order_id = ?').get(id)).toEqual({n: 1});
      expect(attributed(pixel.app, id)).toBeUndefined();
      expect(pixelCode).toEqual([]);
      expect(pairwise()).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

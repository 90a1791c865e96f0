import {existsSync} from 'node:fs';
import type {Browser} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ExperimentPeriod} from '../../../domain/experiment';
import type {PreviewStorefront} from '../../../devkit/storefront';
import type {InstalledApp} from '../../../devkit/installed-app';
import {attributed, halfHeldOut, pixelClaim, pixelShop as shop, pixelStorefront, startPixelApp, thankYouOrderId, visit, visitorIn} from './pixel-shop';
import {chromiumPath, launchChromium} from '../../../devkit/chromium';

// Every checkout path, in Chromium, against the real app: the preview storefront checks out through the cart
// (the cart's attributes reach the order) and by "Buy it now" (no cart: only the web pixel, run by the preview's
// pixel manager in a Worker with the real @shopify/web-pixels-extension register, can name the visitor). The
// pixel was activated by the app's own webPixelCreate against the stand-in, and each order is the signed
// orders/create the storefront sends.

const PRODUCT = '/products/pour-over-kettle';

describe.skipIf(!existsSync(chromiumPath))('checkout paths attributed in Chromium', () => {
  let browser: Browser;
  let pixel: InstalledApp;
  let store: PreviewStorefront;
  let period: ExperimentPeriod;

  beforeAll(async () => {
    pixel = await startPixelApp();
    const {app} = pixel;
    period = halfHeldOut(app);
    store = pixelStorefront(pixel, {
      appMetafields: () => ({pairwise: {experiment: period}}),
      checkout: {webhookUrl: `${app.url}/webhooks`, secret: app.secret},
    });
    await store.listen();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await pixel?.close();
  });

  it.each(['exposed', 'holdout'] as const)('a %s visitor buying by "Buy it now" and through the cart: both orders land in the arm', async (arm) => {
    const visitor = visitorIn(period, arm);
    const {context, page} = await visit(browser, store, {consent: true, returning: visitor});
    await page.goto(`${store.url}${PRODUCT}`);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-pairwise-arm'))).toBe(arm);

    const claim = pixelClaim(page);
    await page.click('[data-buy-now]');
    const buyNow = await thankYouOrderId(page);
    expect((await claim).status()).toBe(204);
    await expect.poll(() => attributed(pixel.app, buyNow)).toEqual({visitor, arm, source: 'pixel'});

    await page.goto(`${store.url}${PRODUCT}`);
    await page.click('form[action$="cart/add"] button');
    await page.waitForURL(/\/cart$/);
    // The pixel claims this order too; the cart's attributes were there first and stay what counts.
    const again = pixelClaim(page);
    await page.click('button[name="checkout"]');
    const throughCart = await thankYouOrderId(page);
    expect((await again).status()).toBe(204);
    expect(attributed(pixel.app, throughCart)).toEqual({visitor, arm, source: 'cart'});
    await context.close();
  });

  it('a visitor who declined: "Buy it now" places the order, the pixel is never loaded and no Pairwise request leaves', async () => {
    const {context, page, pairwise, pixelCode} = await visit(browser, store, {consent: false, returning: visitorIn(period, 'exposed'), keepSeeding: true});
    await page.goto(`${store.url}${PRODUCT}`);
    await page.waitForLoadState('networkidle');
    await page.click('[data-buy-now]');
    const id = await thankYouOrderId(page);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    expect(pixel.app.services.shopDbs.get(shop).prepare('SELECT count(*) AS n FROM orders WHERE order_id = ?').get(id)).toEqual({n: 1});
    expect(attributed(pixel.app, id)).toBeUndefined();
    expect(pixelCode).toEqual([]);
    expect(pairwise()).toEqual([]);
    await context.close();
  });
});

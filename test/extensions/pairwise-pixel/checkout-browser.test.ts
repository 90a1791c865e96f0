import {randomBytes, randomUUID} from 'node:crypto';
import {existsSync} from 'node:fs';
import {chromium} from 'playwright-core';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {armFor} from '../../../domain/experiment';
import type {Arm, ExperimentPeriod} from '../../../domain/experiment';
import {ShopifyStandin} from '../../../devkit/shopify-standin';
import {sessionToken} from '../../../devkit/session-token';
import {createPreviewStorefront} from '../../../devkit/storefront';
import type {PreviewStorefront} from '../../../devkit/storefront';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../../../devkit/storefront/fixture';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {offlineSession} from '../../../server/auth/offline-session';
import {activateWebPixel} from '../../../server/publish/web-pixel';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {parseShopDomain} from '../../../storage/shop-domain';

// Every checkout path, in Chromium, against the real app: the preview storefront checks out through the cart
// (the cart's attributes reach the order) and by "Buy it now" (no cart: only the web pixel, run by the preview's
// pixel manager in a Worker with the real @shopify/web-pixels-extension register, can name the visitor). The
// pixel was activated by the app's own webPixelCreate against the stand-in, and each order is the signed
// orders/create the storefront sends.

const chromiumPath = '/usr/bin/chromium';
const PRODUCT = '/products/pour-over-kettle';
const shop = parseShopDomain(fixtureShop)!;

describe.skipIf(!existsSync(chromiumPath))('checkout paths attributed in Chromium', () => {
  let browser: Browser;
  let standin: ShopifyStandin;
  let app: TestApp;
  let store: PreviewStorefront;
  let period: ExperimentPeriod;

  beforeAll(async () => {
    const apiKey = `key-${randomBytes(4).toString('hex')}`;
    const secret = randomBytes(16).toString('hex');
    standin = await ShopifyStandin.start({apiKey, apiSecret: secret});
    standin.addShop(shop);
    app = await startTestApp({adminOrigin: standin.origin, apiKey, secret, onInstalled: () => {}});
    await offlineSession(app.services, shop, await sessionToken({shop, apiKey, secret}));
    await activateWebPixel(app.services, shop);
    const {salt, share, period: number} = experimentPeriodsRepo(app.services.shopDbs.get(shop)).forShare(0.5);
    period = {period: number, salt, share};
    store = createPreviewStorefront({
      products: fixtureProducts,
      recommendationsFor: fixtureRecommendationsFor,
      shop: fixtureShop,
      proxyOrigin: app.url,
      secret: app.secret,
      appMetafields: () => ({pairwise: {experiment: period}}),
      consent: {required: true, loadDelayMs: 50},
      checkout: {webhookUrl: `${app.url}/webhooks`, secret: app.secret},
      webPixel: () => standin.webPixelSettings(shop),
    });
    await store.listen();
    browser = await chromium.launch({executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run']});
  });
  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await app?.close();
    await standin?.close();
  });

  const visitorIn = (arm: Arm) => {
    for (;;) {
      const id = randomUUID();
      if (armFor(period, id) === arm) return id;
    }
  };

  /**
   * A returning visitor who answered the banner (`consent`) on an earlier visit and kept a Pairwise id then (the
   * period is stored by the storefront when the visitor is counted). `keepSeeding`: the id and period are written
   * on every page (as if some other script restored them), so
   * only consent itself can stop the pixel.
   */
  async function returning(visitor: string, consent: boolean, keepSeeding = false) {
    const context = await browser.newContext();
    const value = encodeURIComponent(JSON.stringify({analytics: consent, marketing: consent, preferences: consent, sale_of_data: consent}));
    await context.addCookies([{name: 'pairwise_preview_consent', value, url: store.url}]);
    await context.addInitScript(
      ([id, again]) => {
        if (again || !sessionStorage.getItem('seeded')) {
          localStorage.setItem('pairwise_visitor', id as string);
          sessionStorage.setItem('seeded', '1');
        }
        if (again) localStorage.setItem('pairwise_period', '1');
      },
      [visitor, keepSeeding] as const,
    );
    const pairwise: string[] = [];
    const pixelCode: string[] = [];
    context.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/apps/pairwise/')) pairwise.push(path);
      if (path.startsWith('/pixel-sandbox/pixel/')) pixelCode.push(path);
    });
    return {context, page: await context.newPage(), pairwise, pixelCode};
  }

  /** Ends on the Thank you page; the order id it shows. */
  async function orderId(page: Page): Promise<number> {
    await page.waitForURL(/\/checkouts\/[0-9a-f]+\/thank-you$/);
    return Number(await page.locator('[data-order-id]').textContent());
  }
  const pixelClaim = (page: Page) => page.waitForResponse((r) => new URL(r.url()).pathname === '/apps/pairwise/pixel' && r.request().method() === 'POST');
  const attributed = (id: number) =>
    app.services.shopDbs.get(shop).prepare('SELECT visitor_id AS visitor, arm, source FROM experiment_orders WHERE order_id = ?').get(id) as
      | {visitor: string; arm: Arm; source: string}
      | undefined;

  it.each(['exposed', 'holdout'] as const)('a %s visitor buying by "Buy it now" and through the cart: both orders land in the arm', async (arm) => {
    const visitor = visitorIn(arm);
    const {context, page} = await returning(visitor, true);
    await page.goto(`${store.url}${PRODUCT}`);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-pairwise-arm'))).toBe(arm);

    const claim = pixelClaim(page);
    await page.click('[data-buy-now]');
    const buyNow = await orderId(page);
    expect((await claim).status()).toBe(204);
    await expect.poll(() => attributed(buyNow)).toEqual({visitor, arm, source: 'pixel'});

    await page.goto(`${store.url}${PRODUCT}`);
    await page.click('form[action$="cart/add"] button');
    await page.waitForURL(/\/cart$/);
    // The pixel claims this order too; the cart's attributes were there first and stay what counts.
    const again = pixelClaim(page);
    await page.click('button[name="checkout"]');
    const throughCart = await orderId(page);
    expect((await again).status()).toBe(204);
    expect(attributed(throughCart)).toEqual({visitor, arm, source: 'cart'});
    await context.close();
  });

  it('a visitor who declined: "Buy it now" places the order, the pixel is never loaded and no Pairwise request leaves', async () => {
    const {context, page, pairwise, pixelCode} = await returning(visitorIn('exposed'), false, true);
    await page.goto(`${store.url}${PRODUCT}`);
    await page.waitForLoadState('networkidle');
    await page.click('[data-buy-now]');
    const id = await orderId(page);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    expect(app.services.shopDbs.get(shop).prepare('SELECT count(*) AS n FROM orders WHERE order_id = ?').get(id)).toEqual({n: 1});
    expect(attributed(id)).toBeUndefined();
    expect(pixelCode).toEqual([]);
    expect(pairwise).toEqual([]);
    await context.close();
  });
});

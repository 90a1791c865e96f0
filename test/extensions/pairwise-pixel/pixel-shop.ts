import {randomUUID} from 'node:crypto';
import type {Browser, BrowserContext, Page} from 'playwright-core';
import {armFor} from '../../../domain/experiment';
import type {Arm, ExperimentPeriod} from '../../../domain/experiment';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import {createPreviewStorefront} from '../../../devkit/storefront';
import type {PreviewStorefront, PreviewStorefrontOptions} from '../../../devkit/storefront';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../../../devkit/storefront/fixture';
import type {TestApp} from '../../../devkit/test-app';
import {activateWebPixel} from '../../../server/publish/web-pixel';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {parseShopDomain} from '../../../storage/shop-domain';

// What the web pixel's browser tests share: the real app installed on the preview's shop with its pixel activated
// by the app's own webPixelCreate against the stand-in, the preview's store in front of it, and a visitor whose
// requests to Pairwise (as the store's app proxy received them) and for the pixel's code are recorded by path.

export const pixelShop = parseShopDomain(fixtureShop)!;

/** The app, installed (offline session) on the preview's shop, with its web pixel activated. */
export async function startPixelApp(): Promise<InstalledApp> {
  const pixel = await startInstalledApp({app: {onInstalled: () => {}}});
  await pixel.install(pixelShop);
  await activateWebPixel(pixel.app.services, pixelShop);
  return pixel;
}

/**
 * The preview's store for the pixel's shop: its app proxy forwarded to the app, a consent banner that answers after
 * 50 ms, and the web pixel the app activated on the stand-in. `options` add to or replace these (a theme, a
 * checkout, the experiment's app metafields).
 */
export function pixelStorefront(pixel: InstalledApp, options: Partial<PreviewStorefrontOptions> = {}): PreviewStorefront {
  return createPreviewStorefront({
    products: fixtureProducts,
    recommendationsFor: fixtureRecommendationsFor,
    shop: fixtureShop,
    proxyOrigin: pixel.app.url,
    secret: pixel.app.secret,
    consent: {required: true, loadDelayMs: 50},
    webPixel: () => pixel.standin.webPixelSettings(pixelShop),
    ...options,
  });
}

/** The shop's running experiment period with half the visitors held out, as the storefront reads it. */
export function halfHeldOut(app: TestApp): ExperimentPeriod {
  const {salt, share, period} = experimentPeriodsRepo(app.services.shopDbs.get(pixelShop)).forShare(0.5);
  return {period, salt, share};
}

/** A fresh visitor id that the period puts in `arm`. */
export function visitorIn(period: ExperimentPeriod, arm: Arm): string {
  for (;;) {
    const id = randomUUID();
    if (armFor(period, id) === arm) return id;
  }
}

export type Visit = {
  context: BrowserContext;
  page: Page;
  /**
   * The /apps/pairwise paths the store's app proxy received since the visit began, as the store saw them: a
   * browser's own request events can miss those of the pixel's sandboxed worker (seen under CI load).
   */
  pairwise: () => string[];
  pixelCode: string[];
  errors: string[];
};

/**
 * A visitor who answered the consent banner (`consent`) on an earlier visit, or has not answered yet (undefined).
 * `returning`: the Pairwise id they kept then; with `keepSeeding` the id and period are written on every page (as
 * if another script restored them), so only consent itself can stop the pixel.
 */
export async function visit(
  browser: Browser,
  store: PreviewStorefront,
  options: {consent?: boolean; returning?: string; keepSeeding?: boolean; prepare?: (context: BrowserContext) => Promise<unknown>} = {},
): Promise<Visit> {
  const {consent, returning, keepSeeding = false} = options;
  const context = await browser.newContext({viewport: {width: 1200, height: 900}});
  await options.prepare?.(context);
  if (consent !== undefined) {
    const value = encodeURIComponent(JSON.stringify({analytics: consent, marketing: consent, preferences: consent, sale_of_data: consent}));
    await context.addCookies([{name: 'pairwise_preview_consent', value, url: store.url}]);
  }
  if (returning) {
    await context.addInitScript(
      ([id, again]) => {
        if (again || !sessionStorage.getItem('seeded')) {
          localStorage.setItem('pairwise_visitor', id as string);
          sessionStorage.setItem('seeded', '1');
        }
        if (again) localStorage.setItem('pairwise_period', '1');
      },
      [returning, keepSeeding] as const,
    );
  }
  const proxiedBefore = store.proxied.length;
  const pairwise = () => store.proxied.slice(proxiedBefore);
  const pixelCode: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/pixel-sandbox/pixel/')) pixelCode.push(path);
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return {context, page, pairwise, pixelCode, errors};
}

/** The pixel's checkout claim as the page posts it. */
export const pixelClaim = (page: Page) =>
  page.waitForResponse((r) => new URL(r.url()).pathname === '/apps/pairwise/pixel' && r.request().method() === 'POST');

/** The Thank you page's order id, once the checkout ends there. */
export async function thankYouOrderId(page: Page): Promise<number> {
  await page.waitForURL(/\/checkouts\/[0-9a-f]+\/thank-you$/);
  return Number(await page.locator('[data-order-id]').textContent());
}

/** The experiment's record of an order: whose, which group, and by which path it was attributed. */
export const attributed = (app: TestApp, orderId: number) =>
  app.services.shopDbs.get(pixelShop).prepare('SELECT visitor_id AS visitor, arm, source FROM experiment_orders WHERE order_id = ?').get(orderId) as
    | {visitor: string; arm: Arm; source: string}
    | undefined;

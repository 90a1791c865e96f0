import {randomUUID} from 'node:crypto';
import {existsSync} from 'node:fs';
import type {Browser, BrowserContext, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {armFor} from '../../../domain/experiment';
import type {ExperimentPeriod} from '../../../domain/experiment';
import {createPreviewStorefront} from '../../../devkit/storefront';
import type {PreviewStorefront} from '../../../devkit/storefront';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../../../devkit/storefront/fixture';
import {chromiumPath, launchChromium} from '../../../devkit/chromium';

// Consent as a Shopify storefront gives it: the Customer Privacy API is not there until Shopify.loadFeatures
// has loaded it (asynchronously: 150 ms here), and where the merchant asks first, a banner collects the answer,
// which may come at once, late, never, or be withdrawn. What leaves the page is watched at the network.

const experiment: ExperimentPeriod = {period: 7, salt: 'feed', share: 0.5};
const visitorIn = (arm: string) => {
  for (;;) {
    const id = randomUUID();
    if (armFor(experiment, id) === arm) return id;
  }
};
const PRODUCT = '/products/pour-over-kettle';
const OTHER_PRODUCT = '/products/ceramic-dripper';

describe.skipIf(!existsSync(chromiumPath))('analytics consent in Chromium', () => {
  let browser: Browser;
  let store: PreviewStorefront;

  beforeAll(async () => {
    store = createPreviewStorefront({
      products: fixtureProducts,
      recommendationsFor: fixtureRecommendationsFor,
      shop: fixtureShop,
      appMetafields: () => ({pairwise: {experiment}}),
      consent: {required: true, loadDelayMs: 150},
    });
    await store.listen();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  /** A browser with what an earlier visit left: a kept Pairwise id and/or an answer to the banner. */
  async function visitor(opts: {kept?: string; answered?: boolean} = {}) {
    const context = await browser.newContext({viewport: {width: 1100, height: 900}});
    if (opts.answered !== undefined) {
      const value = encodeURIComponent(JSON.stringify({analytics: opts.answered, marketing: opts.answered, preferences: opts.answered, sale_of_data: opts.answered}));
      await context.addCookies([{name: 'pairwise_preview_consent', value, url: store.url}]);
    }
    if (opts.kept) await context.addInitScript((id) => localStorage.setItem('pairwise_visitor', id), opts.kept);
    const pairwise: string[] = [];
    context.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/apps/pairwise/')) pairwise.push(path);
    });
    return {context, pairwise, page: await context.newPage()};
  }

  async function open(page: Page, path = PRODUCT) {
    await page.goto(store.url + path);
    await page.waitForLoadState('networkidle');
  }

  const state = (page: Page) => page.evaluate(async () => ({
    arm: document.documentElement.getAttribute('data-pairwise-arm'),
    visible: !!document.querySelector('pairwise-bundle')?.getClientRects().length,
    visitor: localStorage.getItem('pairwise_visitor'),
    attributes: ((await (await fetch('/cart.js')).json()) as {attributes: Record<string, string>}).attributes,
  }));

  /** Leaves the page the way a shopper does, so queued beacons are sent (pagehide). */
  const leave = async (context: BrowserContext, page: Page) => {
    await page.goto('about:blank');
    await new Promise((r) => setTimeout(r, 200));
    await context.close();
  };

  it('granted at once (answered on an earlier visit): the held-out visitor is decided before paint and counted', async () => {
    const id = visitorIn('holdout');
    const {context, page, pairwise} = await visitor({kept: id, answered: true});
    // Before the API has loaded, the arm already holds: the block never paints for this visitor.
    await page.goto(store.url + PRODUCT, {waitUntil: 'domcontentloaded'});
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-pairwise-arm'))).toBe('holdout');
    await page.waitForLoadState('networkidle');
    expect(await state(page)).toEqual({arm: 'holdout', visible: false, visitor: id, attributes: {_pairwise_visitor: id, _pairwise_period: '7', _pairwise_arm: 'holdout'}});
    expect(pairwise).toContain('/apps/pairwise/experiment');
    await leave(context, page);
  });

  it('a first page before any id: shown and not counted; counted from the next page once allowed', async () => {
    const {context, page, pairwise} = await visitor({answered: true});
    await open(page);
    const first = await state(page);
    expect(first).toMatchObject({arm: 'none', visible: true, attributes: {}});
    expect(first.visitor).toMatch(/^[0-9a-f-]{36}$/);
    expect(pairwise).not.toContain('/apps/pairwise/experiment');
    await open(page, OTHER_PRODUCT);
    const second = await state(page);
    expect(second).toMatchObject({arm: armFor(experiment, first.visitor!), visitor: first.visitor});
    expect(pairwise).toContain('/apps/pairwise/experiment');
    await leave(context, page);
  });

  it('granted late: nothing leaves before the answer; what waited is sent after it; counted from the next page', async () => {
    const before = store.events.length;
    const {context, page, pairwise} = await visitor();
    await open(page);
    await page.locator('pairwise-bundle').scrollIntoViewIfNeeded();
    await new Promise((r) => setTimeout(r, 2500)); // past the 2 s beacon timer: still nothing may leave
    expect(pairwise).toEqual([]);
    await expect.poll(() => page.locator('#privacy-banner').isVisible()).toBe(true);
    await page.getByRole('button', {name: 'Accept'}).click();
    await expect.poll(() => pairwise.filter((p) => p === '/apps/pairwise/events').length, {timeout: 15_000}).toBeGreaterThan(0);
    await expect.poll(() => store.events.slice(before).map((e) => e.type), {timeout: 15_000}).toEqual(expect.arrayContaining(['rendered', 'viewed']));
    const visitorId = (await state(page)).visitor;
    expect(visitorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(pairwise).not.toContain('/apps/pairwise/experiment');
    await open(page, OTHER_PRODUCT);
    expect(pairwise).toContain('/apps/pairwise/experiment');
    await leave(context, page);
  });

  it('declined: no Pairwise request at all leaves the page, a kept id is removed and the block shows', async () => {
    const {context, page, pairwise} = await visitor({kept: visitorIn('holdout')});
    await open(page);
    await page.getByRole('button', {name: 'Decline'}).click();
    await page.locator('pairwise-bundle').scrollIntoViewIfNeeded();
    await page.locator('pairwise-bundle input[type=checkbox]').first().click();
    await open(page, OTHER_PRODUCT);
    await page.locator('pairwise-bundle button[type=submit]').click();
    await new Promise((r) => setTimeout(r, 2500));
    expect(await state(page)).toMatchObject({arm: 'none', visible: true, visitor: null});
    await leave(context, page);
    expect(pairwise).toEqual([]);
  });

  it('withdrawn: the id and the cart attributes go, and every Pairwise beacon stops', async () => {
    const id = visitorIn('exposed');
    const {context, page, pairwise} = await visitor({kept: id, answered: true});
    await open(page);
    expect(await state(page)).toMatchObject({arm: 'exposed', visitor: id, attributes: {_pairwise_visitor: id}});
    await page.getByRole('button', {name: 'Privacy preferences'}).click();
    await page.getByRole('button', {name: 'Decline'}).click();
    await expect.poll(async () => (await state(page)).attributes).toEqual({});
    const sent = pairwise.length;
    await page.locator('pairwise-bundle').scrollIntoViewIfNeeded();
    await page.locator('pairwise-bundle input[type=checkbox]').first().click();
    await open(page, OTHER_PRODUCT);
    expect(await state(page)).toMatchObject({arm: 'none', visitor: null, attributes: {}});
    await leave(context, page);
    expect(pairwise.slice(sent)).toEqual([]);
  });

  it('where the storefront has Shopify.actions.updateCart, the attributes go through it with the cart\'s own kept', async () => {
    const id = visitorIn('exposed');
    const {context, page} = await visitor({kept: id, answered: true});
    // A theme's configured action (https://shopify.dev/docs/api/storefront-events-and-actions/actions/update-cart):
    // it receives the whole attribute set and applies it through the preview's Ajax cart.
    await context.addInitScript(() => {
      const calls: unknown[] = [];
      (window as unknown as {updateCartCalls: unknown[]}).updateCartCalls = calls;
      let shopify: Record<string, unknown> = {};
      Object.defineProperty(window, 'Shopify', {
        configurable: true,
        get: () => shopify,
        set: (value: Record<string, unknown>) => {
          shopify = value;
          shopify.actions = {
            async updateCart(input: {attributes: {key: string; value: string}[]}) {
              calls.push(input);
              const held = ((await (await fetch('/cart.js')).json()) as {attributes: Record<string, string>}).attributes;
              const next = Object.fromEntries(input.attributes.map((a) => [a.key, a.value]));
              const cleared = Object.fromEntries(Object.keys(held).filter((k) => !(k in next)).map((k) => [k, '']));
              await fetch('/cart/update.js', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({attributes: {...cleared, ...next}})});
              return {cart: {}};
            },
          };
        },
      });
    });
    await page.goto(store.url + '/');
    await page.evaluate(() => fetch('/cart/update.js', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({attributes: {gift_note: 'For Sam'}})}));
    await open(page);
    await expect.poll(async () => (await state(page)).attributes).toEqual({gift_note: 'For Sam', _pairwise_visitor: id, _pairwise_period: '7', _pairwise_arm: 'exposed'});
    expect(await page.evaluate(() => (window as unknown as {updateCartCalls: unknown[]}).updateCartCalls.length)).toBe(1);
    await leave(context, page);
  });
});

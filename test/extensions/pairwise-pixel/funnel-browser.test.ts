import {existsSync} from 'node:fs';
import type {Browser} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {StoreProduct} from '../../../devkit/store-generator';
import type {PreviewStorefront} from '../../../devkit/storefront';
import {fixtureProducts} from '../../../devkit/storefront/fixture';
import {productPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';
import type {InstalledApp} from '../../../devkit/installed-app';
import {pixelShop as shop, pixelStorefront, startPixelApp, visit} from './pixel-shop';
import {chromiumPath, launchChromium} from '../../../devkit/chromium';

// The blocks' funnel events the way a Shopify storefront carries them, in Chromium against the real app: the
// product block publishes them with Shopify.analytics.publish (defined by the preview's pixel manager, as
// Shopify's defines it), the manager delivers them as custom events to the app's web pixel in its Worker sandbox
// (the real @shopify/web-pixels-extension register), and the pixel forwards them through the signed app proxy.
// The pixel was activated by the app's own webPixelCreate against the stand-in; the catalogue came by signed
// products/create webhooks, so the app knows the products the events name.

const PRODUCT = '/products/pour-over-kettle';

/** A preview fixture product as the generator's StoreProduct, for its products/create payload. */
const asStoreProduct = (p: (typeof fixtureProducts)[number]): StoreProduct => ({
  id: p.id,
  variantId: p.id * 10,
  title: p.title,
  handle: p.handle,
  productType: '',
  vendor: 'Preview Kitchen',
  tags: [],
  description: '',
  price: (p.price / 100).toFixed(2),
  status: p.status ?? 'active',
  giftCard: p.giftCard ?? false,
  inventory: p.available === false ? 0 : 10,
  available: p.available !== false,
  hasImage: false,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

describe.skipIf(!existsSync(chromiumPath))('funnel events through the web pixel in Chromium', () => {
  let browser: Browser;
  let pixel: InstalledApp;
  let store: PreviewStorefront;

  beforeAll(async () => {
    pixel = await startPixelApp();
    const {app} = pixel;
    for (const p of fixtureProducts) {
      const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'products/create', shop, secret: app.secret, body: productPayload(asStoreProduct(p))}));
      expect(res.status).toBe(200);
    }
    store = pixelStorefront(pixel);
    await store.listen();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await pixel?.close();
  });

  /** A visitor who answered the banner on an earlier visit (or has not answered yet). */
  const visitor = (consent?: boolean) => visit(browser, store, {consent});

  const stored = () =>
    pixel.app.services.shopDbs.get(shop).prepare('SELECT type, anchor_id AS anchor, product_id AS product, event_id AS id FROM events ORDER BY events.id').all() as {
      type: string;
      anchor: number;
      product: number;
      id: string;
    }[];

  it("a visitor who allows analytics: the block's events are published, forwarded by the pixel and counted once", async () => {
    const before = stored().length;
    const {context, page, pairwise} = await visitor(true);
    await page.goto(`${store.url}${PRODUCT}`);
    const block = page.locator('pairwise-bundle');
    await block.scrollIntoViewIfNeeded();
    await page.locator('pairwise-bundle button[type="submit"]').click();
    await expect.poll(() => block.locator('[data-status]').textContent()).toMatch(/^Added to your cart/);
    // Kettle with Paper Filters and Ceramic Dripper (two companions): each shown, seen and added once.
    const expected = ['added 1002', 'added 1003', 'rendered 1002', 'rendered 1003', 'viewed 1002', 'viewed 1003'];
    await expect.poll(() => stored().slice(before).map((e) => `${e.type} ${e.product}`).sort(), {timeout: 15_000}).toEqual(expected);
    const events = stored().slice(before);
    expect(events.every((e) => e.anchor === 1001)).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.map((e) => e.id.split(':')[0])).toEqual(Array(events.length).fill(events[0].id.split(':')[0]));
    // One way only: through the pixel, never straight from the page.
    expect(pairwise()).toContain('/apps/pairwise/pixel/events');
    expect(pairwise()).not.toContain('/apps/pairwise/events');
    // Nothing more arrives later (the page's pagehide flush has nothing left to send).
    await page.goto('about:blank');
    await new Promise((r) => setTimeout(r, 500));
    expect(stored().length).toBe(before + expected.length);
    await context.close();
  });

  it('a visitor who declined: the block works, the pixel is never loaded and no Pairwise request leaves', async () => {
    const before = stored().length;
    const {context, page, pairwise, pixelCode} = await visitor(false);
    await page.goto(`${store.url}${PRODUCT}`);
    const block = page.locator('pairwise-bundle');
    await block.scrollIntoViewIfNeeded();
    await page.locator('pairwise-bundle button[type="submit"]').click();
    await expect.poll(() => block.locator('[data-status]').textContent()).toMatch(/^Added to your cart/);
    // Even a custom event published on this page by anything else reaches no pixel.
    await page.evaluate(() => (window as unknown as {Shopify: {analytics: {publish(name: string, data: unknown): void}}}).Shopify.analytics.publish('pairwise_funnel', {events: [{type: 'viewed', block: 'fbt', anchor: 1001, product: 1002}]}));
    await new Promise((r) => setTimeout(r, 2500)); // past the blocks' 2 s timer
    await page.goto('about:blank');
    await new Promise((r) => setTimeout(r, 300));
    expect(pixelCode).toEqual([]);
    expect(pairwise()).toEqual([]);
    expect(stored().length).toBe(before);
    await context.close();
  });

  it('consent given late: nothing leaves before the answer; then what waited goes through the pixel, in bodies of 50, once', async () => {
    const before = stored().length;
    const {context, page, pairwise, pixelCode} = await visitor();
    await page.goto(`${store.url}${PRODUCT}`);
    await page.locator('pairwise-bundle').scrollIntoViewIfNeeded();
    await new Promise((r) => setTimeout(r, 2500)); // past the blocks' 2 s timer: still nothing may leave
    expect(pairwise()).toEqual([]);
    expect(pixelCode).toEqual([]);
    // More waiting than the app takes in one body (50): say, 60 clicks on a companion's link before the answer.
    await page.evaluate(() => {
      for (let i = 0; i < 60; i++) (window as unknown as {Pairwise: {track(...args: unknown[]): void}}).Pairwise.track('/apps/pairwise', 'clicked', 'fbt', 1001, 1005);
    });
    await page.getByRole('button', {name: 'Accept'}).click();
    const expected = [...Array(60).fill('clicked 1005'), 'rendered 1002', 'rendered 1003', 'viewed 1002', 'viewed 1003'];
    await expect.poll(() => stored().slice(before).map((e) => `${e.type} ${e.product}`).sort(), {timeout: 15_000}).toEqual(expected);
    expect(pairwise().filter((p) => p.endsWith('/events'))).toEqual(['/apps/pairwise/pixel/events', '/apps/pairwise/pixel/events']);
    await context.close();
  });
});

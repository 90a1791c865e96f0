import {existsSync, mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join, resolve} from 'node:path';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createPreviewStorefront} from '../../../devkit/storefront';
import type {PreviewStorefront} from '../../../devkit/storefront';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../../../devkit/storefront/fixture';
import {chromiumPath, launchChromium} from '../../../devkit/chromium';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const screenshots = resolve(import.meta.dirname, '../../../test-output/screenshots');
if (!existsSync(chromiumPath)) console.warn(`Skipping the Chromium storefront tests: ${chromiumPath} is not installed.`);

describe.skipIf(!existsSync(chromiumPath))('storefront blocks in Chromium', () => {
  let browser: Browser;
  let store: PreviewStorefront;
  let drawerStore: PreviewStorefront;
  let marketStore: PreviewStorefront;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(screenshots, {recursive: true});
    const common = {products: fixtureProducts, recommendationsFor: fixtureRecommendationsFor, shop: fixtureShop};
    store = createPreviewStorefront(common);
    drawerStore = createPreviewStorefront({...common, drawer: true});
    marketStore = createPreviewStorefront({...common, subfolder: '/fr-ca'});
    await Promise.all([store.listen(), drawerStore.listen(), marketStore.listen()]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([store?.close(), drawerStore?.close(), marketStore?.close()]);
  });

  /** A fresh shopper (own cookies, so own cart); console errors and page errors fail the test that made them. */
  async function shopper(javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({javaScriptEnabled, viewport: {width: 1100, height: 900}});
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    return page;
  }

  async function tabTo(page: Page, selector: string) {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    throw new Error(`keyboard focus never reached ${selector}`);
  }

  async function axeViolations(page: Page) {
    await page.addScriptTag({path: axePath});
    // axe is a global the script tag just defined.
    const result = await page.evaluate(() => (window as unknown as {axe: {run(): Promise<{violations: {id: string; nodes: unknown[]}[]}>}}).axe.run());
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  }

  const cartOf = (page: Page) =>
    page.evaluate(async () => (await fetch('/cart.js')).json() as Promise<{items: {product_id: number; properties: Record<string, string>}[]}>);

  it('frequently bought together, keyboard only: uncheck, live total, add selected, announced', async () => {
    problems.length = 0;
    const page = await shopper();
    await page.goto(`${store.url}/products/pour-over-kettle`);
    const block = page.locator('pairwise-bundle');
    await expect.poll(() => block.evaluate((el) => customElements.get('pairwise-bundle') !== undefined && !!el)).toBe(true);
    // Kettle $59 + Paper Filters $6.50 + Ceramic Dripper $24 (max 2 companions).
    expect(await block.locator('[data-total]').textContent()).toBe('$89.50');

    await tabTo(page, 'input[id$="-1002"]');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Space');
    expect(await block.locator('[data-total]').textContent()).toBe('$83.00');

    await tabTo(page, 'pairwise-bundle button[type="submit"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => block.locator('[data-status]').textContent()).toBe('Added to your cart: Pour-Over Kettle and Ceramic Dripper');
    expect(await page.locator('#cart-icon-bubble [data-cart-count]').textContent()).toBe('2');
    const cart = await cartOf(page);
    expect(cart.items.map((i) => [i.product_id, i.properties._pairwise ?? null])).toEqual([
      [1001, null],
      [1003, 'fbt:1001'],
    ]);
    await page.screenshot({path: join(screenshots, 'fbt-added.png'), fullPage: true});

    await page.goto(`${store.url}/`); // pagehide flushes the beacon
    await expect.poll(() => store.events.filter((e) => e.block === 'fbt').map((e) => e.type)).toEqual(
      expect.arrayContaining(['rendered', 'viewed', 'added']),
    );
    expect(store.events).toContainEqual(expect.objectContaining({type: 'added', block: 'fbt', anchor: 1001, product: 1003}));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('frequently bought together with JavaScript off: the plain form adds every row', async () => {
    problems.length = 0;
    const page = await shopper(false);
    await page.goto(`${store.url}/products/pour-over-kettle`);
    await page.locator('pairwise-bundle button[type="submit"]').click();
    await page.waitForURL(`${store.url}/cart`);
    const lines = await page.locator('.cart-line').evaluateAll((els) =>
      els.map((el) => [Number((el as HTMLElement).dataset.lineProduct), el.querySelector('[data-prop]')?.textContent ?? null]),
    );
    expect(lines).toEqual([
      [1001, null],
      [1002, 'fbt:1001'],
      [1003, 'fbt:1001'],
    ]);
    await page.screenshot({path: join(screenshots, 'fbt-no-js-cart.png'), fullPage: true});
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('cart upsell: one-click add, then refreshes from the app proxy without what is now in the cart', async () => {
    problems.length = 0;
    const page = await shopper();
    await page.request.post(`${store.url}/cart/add.js`, {data: {items: [{id: 10011, quantity: 1}]}});
    await page.goto(`${store.url}/cart`);
    const upsell = page.locator('pairwise-upsell');
    const shown = () => upsell.locator('[data-list] [data-product]').evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.product)));
    expect(await shown()).toEqual([1002, 1003, 1005, 1009]);

    await tabTo(page, 'pairwise-upsell [data-product="1003"] button');
    await page.keyboard.press('Enter');
    await expect.poll(() => upsell.locator('[data-status]').textContent()).toBe('Added to your cart: Ceramic Dripper');
    // Rank by rank over the kettle's and the dripper's lists: 1002, (1002), (1003), 1005, (1005), 1010, 1009.
    await expect.poll(shown).toEqual([1002, 1005, 1010, 1009]);
    // Focus stays in the upsell after its list was re-rendered.
    expect(await page.evaluate(() => !!document.activeElement?.closest('pairwise-upsell'))).toBe(true);
    await expect.poll(() => page.locator('.cart-line').count()).toBe(2);
    expect((await cartOf(page)).items[1]).toMatchObject({product_id: 1003, properties: {_pairwise: 'cart:1001'}});
    await page.screenshot({path: join(screenshots, 'cart-upsell.png'), fullPage: true});
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('cart upsell with JavaScript off: the one-click form posts the product', async () => {
    const page = await shopper(false);
    await page.request.post(`${store.url}/cart/add.js`, {data: {items: [{id: 10011, quantity: 1}]}});
    await page.goto(`${store.url}/cart`);
    await page.locator('pairwise-upsell [data-product="1005"] button').click();
    await page.waitForURL(`${store.url}/cart`);
    expect(await page.locator('.cart-line[data-line-product="1005"] [data-prop]').textContent()).toBe('cart:1001');
    await page.context().close();
  });

  it('localized store: the blocks use Shopify.routes.root', async () => {
    problems.length = 0;
    const page = await shopper();
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(new URL(r.url()).pathname));
    await page.goto(`${store.url}/fr/products/ceramic-dripper`);
    await expect.poll(() => page.evaluate(() => customElements.get('pairwise-bundle') !== undefined)).toBe(true);
    await page.locator('pairwise-bundle button[type="submit"]').click();
    await expect.poll(() => page.locator('pairwise-bundle [data-status]').textContent()).toMatch(/^Ajouté à votre panier : /);
    expect(posts).toContain('/fr/cart/add.js');
    await page.screenshot({path: join(screenshots, 'fbt-fr.png'), fullPage: true});
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('market subfolder store (/fr-ca): the upsell and the events reach the app proxy under routes.root_url', async () => {
    problems.length = 0;
    const page = await shopper();
    const proxied: string[] = [];
    page.on('request', (r) => new URL(r.url()).pathname.includes('/apps/') && proxied.push(new URL(r.url()).pathname));
    await page.request.post(`${marketStore.url}/fr-ca/cart/add.js`, {data: {items: [{id: 10011, quantity: 1}]}});
    await page.goto(`${marketStore.url}/fr-ca/cart`);
    const upsell = page.locator('pairwise-upsell');
    const shown = () => upsell.locator('[data-list] [data-product]').evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.product)));
    expect(await shown()).toEqual([1002, 1003, 1005, 1009]);
    await upsell.locator('[data-product="1003"] button').click();
    await expect.poll(() => upsell.locator('[data-status]').textContent()).toBe('Ajouté à votre panier : Ceramic Dripper');
    // The refresh after the add came from the proxy: the dripper is gone, the dripper's companions came in.
    await expect.poll(shown).toEqual([1002, 1005, 1010, 1009]);
    await page.goto(`${marketStore.url}/fr-ca/products/pour-over-kettle`);
    await expect.poll(() => page.evaluate(() => customElements.get('pairwise-bundle') !== undefined)).toBe(true);
    await page.goto(`${marketStore.url}/fr-ca/`); // pagehide flushes the beacon
    await expect.poll(() => marketStore.events.map((e) => `${e.type}:${e.block}`)).toEqual(
      expect.arrayContaining(['rendered:cart', 'added:cart', 'rendered:fbt']),
    );
    expect(proxied).toContain('/fr-ca/apps/pairwise/recommendations');
    expect(proxied.filter((path) => !path.startsWith('/fr-ca/apps/pairwise/'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('cart drawer embed: mounts in the drawer and survives its re-render', async () => {
    problems.length = 0;
    const page = await shopper();
    await page.goto(`${drawerStore.url}/products/pour-over-kettle`);
    await expect.poll(() => page.evaluate(() => customElements.get('pairwise-upsell') !== undefined)).toBe(true);
    await page.locator('pairwise-bundle button[type="submit"]').click();
    await expect.poll(() => page.locator('cart-drawer.active').count()).toBe(1);
    const embed = page.locator('cart-drawer pairwise-upsell');
    await expect.poll(() => embed.evaluate((el) => !(el as HTMLElement).hidden && el.nextElementSibling?.classList.contains('drawer__footer'))).toBe(true);
    await expect.poll(() => embed.locator('[data-list] [data-product]').count()).toBe(2);
    await page.screenshot({path: join(screenshots, 'cart-drawer-embed.png'), fullPage: true});
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it.each([
    ['product page', '/products/pour-over-kettle'],
    ['cart page', '/cart'],
  ])('axe finds no violations on the %s', async (_name, path) => {
    const page = await shopper();
    await page.request.post(`${store.url}/cart/add.js`, {data: {items: [{id: 10051, quantity: 1}]}});
    await page.goto(`${store.url}${path}`);
    await page.waitForLoadState('networkidle');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('reserves space: nothing moves once scripts and images have loaded', async () => {
    const page = await shopper();
    await page.goto(`${store.url}/products/pour-over-kettle`);
    await page.waitForLoadState('networkidle');
    const shift = await page.evaluate(
      () =>
        new Promise<number>((done) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as (PerformanceEntry & {value: number; hadRecentInput: boolean})[]) {
              if (!entry.hadRecentInput) total += entry.value;
            }
          }).observe({type: 'layout-shift', buffered: true});
          setTimeout(() => done(total), 500);
        }),
    );
    expect(shift).toBeLessThan(0.01);
    await page.context().close();
  });
});

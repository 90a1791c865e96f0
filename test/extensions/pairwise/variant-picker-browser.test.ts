/**
 * The variant picker, in Chromium, in the minimal preview theme and in Horizon 4.1.3 and Dawn 15.4.1 rendered
 * from their own source (../shared/themes): a companion with several variants shows a labelled select of them,
 * sold-out ones cannot be chosen, price, total and bundle saving follow the choice, the chosen variant is what
 * reaches the cart with JavaScript and without it, and the cart upsell sends a multi-variant product to its
 * product page to choose instead of adding its first variant.
 */
import {existsSync, mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join, resolve} from 'node:path';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {savingCents} from '../../../extensions/bundle-discount/src/bundle-saving.js';
import {createPreviewStorefront} from '../../../devkit/storefront';
import type {PreviewStorefront} from '../../../devkit/storefront';
import type {StoreProduct} from '../../../devkit/storefront/catalog';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../../../devkit/storefront/fixture';
import {standardEventsCdnUrl, standardEventsJs} from '../../../devkit/storefront/themes/pages';
import {themeAvailable, themesRoot} from '../../../devkit/storefront/themes/theme-files';
import {chromiumPath, launchChromium} from '../../../devkit/chromium';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// The README's pictures of the block in Horizon and Dawn (docs/images/variant-picker-*.png) are copied from here.
const screenshots = resolve(import.meta.dirname, '../../../test-output/screenshots');

// A clothing item among the kitchenware: the block used to add its first available size whatever the shopper
// wanted. M is sold out; L costs more, at a price whose 10% has a half cent (325.5), so the rounding shows.
const apron: StoreProduct = {
  id: 1011,
  handle: 'barista-apron',
  title: 'Barista Apron',
  price: 2900,
  options: ['Size'],
  variants: [
    {id: 10111, values: ['S']},
    {id: 10112, values: ['M'], available: false},
    {id: 10113, values: ['L'], price: 3255},
  ],
};
const products = [...fixtureProducts, apron];
// The kettle's block shows the apron and the filters (two companions by default); the apron's, the filters and the dripper.
const recommendationsFor = (id: number) => ({1001: [1011, 1002, 1003], 1011: [1002, 1003]})[id] ?? fixtureRecommendationsFor(id);
const discount = {active: true, percentage: 10, scope: 'bundle', minimumItems: 2, message: 'Together'};

const themes = ['minimal', 'horizon', 'dawn'] as const;
for (const t of themes) {
  if (t !== 'minimal' && !themeAvailable(t)) console.warn(`Skipping the ${t} variant picker tests: ${themesRoot}/${t} is absent.`);
}
if (!existsSync(chromiumPath)) console.warn(`Skipping the variant picker browser tests: ${chromiumPath} is not installed.`);

describe.skipIf(!existsSync(chromiumPath))('variant picker in Chromium', {timeout: 90_000}, () => {
  let browser: Browser;
  const stores = new Map<string, PreviewStorefront>();

  beforeAll(async () => {
    mkdirSync(screenshots, {recursive: true});
    for (const theme of themes) {
      if (theme !== 'minimal' && !themeAvailable(theme)) continue;
      const store = createPreviewStorefront({
        products,
        recommendationsFor,
        shop: fixtureShop,
        theme,
        appMetafields: () => ({pairwise: {bundle_discount: discount}}),
      });
      await store.listen();
      stores.set(theme, store);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([...stores.values()].map((s) => s.close()));
  });

  /** A fresh shopper (own cart); nothing leaves the machine but the standard events module, served from the preview. */
  async function shopper(store: PreviewStorefront, problems: string[], javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({javaScriptEnabled, viewport: {width: 1200, height: 900}});
    await context.route(
      (url) => !url.href.startsWith(store.url),
      (route) =>
        route.request().url() === standardEventsCdnUrl
          ? route.fulfill({contentType: 'text/javascript', headers: {'Access-Control-Allow-Origin': '*'}, body: standardEventsJs})
          : route.abort(),
    );
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    // Horizon's own "You may also like" asks Shopify's recommendations endpoint, which the preview does not serve.
    const theirs = (text: string) => text.includes('/recommendations/products') || text.includes('Product recommendations error');
    page.on('console', (m) => m.type() === 'error' && !theirs(m.text()) && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
    return page;
  }

  const cartLines = async (page: Page, store: PreviewStorefront) =>
    ((await (await page.request.get(`${store.url}/cart.js`)).json()) as {items: {variant_id: number; properties: Record<string, string>}[]}).items.map((i) => [
      i.variant_id,
      i.properties._pairwise ?? null,
    ]);

  async function axeViolations(page: Page, selector: string) {
    await page.addScriptTag({path: axePath});
    const result = await page.evaluate(
      (s) => (window as unknown as {axe: {run(c: string): Promise<{violations: {id: string; nodes: unknown[]}[]}>}}).axe.run(s),
      selector,
    );
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  }

  for (const theme of themes) {
    const skip = theme !== 'minimal' && !themeAvailable(theme);

    it.skipIf(skip)(`${theme}: keyboard only, the size select skips the sold-out size; price, total and saving follow; the chosen variant is added`, async () => {
      const store = stores.get(theme)!;
      const problems: string[] = [];
      const page = await shopper(store, problems);
      await page.goto(`${store.url}/products/pour-over-kettle`, {waitUntil: 'domcontentloaded'});
      await page.waitForFunction(() => customElements.get('pairwise-bundle') !== undefined && document.readyState === 'complete');
      const block = page.locator('pairwise-bundle');
      const row = block.locator('.pairwise-item[data-product="1011"]');
      const select = row.getByRole('combobox', {name: 'Size – Barista Apron'});
      expect(await select.evaluate((el: HTMLSelectElement) => [...el.options].map((o) => [o.value, o.disabled, o.textContent]))).toEqual([
        ['10111', false, 'S · $29.00'],
        ['10112', true, 'M · $29.00 · Sold out'],
        ['10113', false, 'L · $32.55'],
      ]);
      expect(await block.locator('[data-total]').textContent()).toBe('$94.50');

      // Keyboard: focus the select and step down once; the sold-out M is skipped.
      await select.focus();
      await page.keyboard.press('ArrowDown');
      expect(await select.inputValue()).toBe('10113');
      expect(await row.locator('.pairwise-item__price').textContent()).toBe('$32.55');
      expect(await block.locator('[data-total]').textContent()).toBe('$98.05');
      // The saving for the chosen size, with the Discount Function's rounding rule.
      const prices = {1001: 5900, 1011: 3255, 1002: 650};
      const cuts = Object.fromEntries(Object.entries(prices).map(([id, cents]) => [id, savingCents(cents, 1, 10)]));
      const saving = block.locator('[data-bundle-saving]');
      expect(await saving.locator('.pairwise-saving__item[data-product="1011"] [data-discounted-price]').getAttribute('data-discounted-price')).toBe(String(3255 - cuts[1011]));
      expect(await saving.locator('.pairwise-saving__item[data-product="1011"] .pairwise-saving__now').innerText()).toContain('$29.29');
      const off = Object.values(cuts).reduce((a, b) => a + b, 0);
      expect(await saving.getAttribute('data-saving')).toBe(String(off));
      expect(await saving.locator('[data-bundle-total]').getAttribute('data-bundle-total')).toBe(String(9805 - off));
      expect(await saving.locator('[data-bundle-total]').innerText()).toContain('$88.24');

      expect(await axeViolations(page, 'pairwise-bundle')).toEqual([]);
      // A viewport tall enough for the whole block (a block screenshot is cut at the viewport's edge in Dawn).
      await page.setViewportSize({width: 1200, height: 1800});
      await block.screenshot({path: join(screenshots, `variant-picker-${theme}.png`)});
      // An unchecked companion is out of the bundle: its select is disabled with its other cart fields.
      await row.locator('.pairwise-item__check').uncheck();
      expect(await select.isDisabled()).toBe(true);
      await row.locator('.pairwise-item__check').check();
      expect(await select.inputValue()).toBe('10113');
      await block.getByRole('button', {name: /add selected/i}).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => cartLines(page, store), {timeout: 10_000}).toEqual([
        [10011, null],
        [10113, 'fbt:1001'],
        [10021, 'fbt:1001'],
      ]);
      expect(problems).toEqual([]);
      await page.context().close();
    });

    it.skipIf(skip)(`${theme}: with JavaScript off, the plain form posts the size chosen in the select`, async () => {
      const store = stores.get(theme)!;
      const problems: string[] = [];
      const page = await shopper(store, problems, false);
      await page.goto(`${store.url}/products/pour-over-kettle`, {waitUntil: 'domcontentloaded'});
      const block = page.locator('pairwise-bundle');
      await block.getByRole('combobox', {name: 'Size – Barista Apron'}).selectOption('10113');
      await Promise.all([page.waitForURL(/\/cart$/), block.locator('button[type="submit"]').click()]);
      expect(await cartLines(page, store)).toEqual([
        [10011, null],
        [10113, 'fbt:1001'],
        [10021, 'fbt:1001'],
      ]);
      expect(problems).toEqual([]);
      await page.context().close();
    });

    it.skipIf(skip)(`${theme}: on the apron's own page, its row in the block has the select too and the chosen size is added`, async () => {
      const store = stores.get(theme)!;
      const problems: string[] = [];
      const page = await shopper(store, problems);
      await page.goto(`${store.url}/products/barista-apron`, {waitUntil: 'domcontentloaded'});
      await page.waitForFunction(() => customElements.get('pairwise-bundle') !== undefined && document.readyState === 'complete');
      const block = page.locator('pairwise-bundle');
      const select = block.getByRole('combobox', {name: 'Size – Barista Apron'});
      expect(await select.inputValue()).toBe('10111');
      await select.selectOption('10113');
      expect(await block.locator('[data-total]').textContent()).toBe('$63.05');
      await block.getByRole('button', {name: /add selected/i}).click();
      await expect.poll(() => cartLines(page, store), {timeout: 10_000}).toEqual([
        [10113, null],
        [10021, 'fbt:1011'],
        [10031, 'fbt:1011'],
      ]);
      expect(problems).toEqual([]);
      await page.context().close();
    });

    it.skipIf(skip)(`${theme}: the cart upsell sends a product with several variants to its page to choose, also after its refresh`, async () => {
      const store = stores.get(theme)!;
      const problems: string[] = [];
      const page = await shopper(store, problems);
      await page.request.post(`${store.url}/cart/add.js`, {data: {items: [{id: 10011, quantity: 1}]}});
      await page.goto(`${store.url}/cart`, {waitUntil: 'domcontentloaded'});
      await page.waitForFunction(() => customElements.get('pairwise-upsell') !== undefined && document.readyState === 'complete');
      const upsell = page.locator('pairwise-upsell:not([data-mount])');
      const apronCard = upsell.locator('[data-list] [data-product="1011"]');
      const offer = async () => ({
        choose: await apronCard.getByRole('link', {name: 'Choose options for Barista Apron'}).getAttribute('href'),
        add: await apronCard.getByRole('button').count(),
      });
      expect(await offer()).toEqual({choose: '/products/barista-apron', add: 0});
      // A single-variant product keeps its one-click add.
      expect(await upsell.locator('[data-product="1002"]').getByRole('link', {name: /choose options/i}).count()).toBe(0);
      expect(await axeViolations(page, 'pairwise-upsell:not([data-mount])')).toEqual([]);

      // The list as the script renders it from the proxy's answer through the <template> (its cards have
      // [data-title]) after a cart change: same offer. The refresh is called directly, after an add the theme
      // does not see, so no theme re-render of the cart section (Horizon's) can stand in for it.
      await page.request.post(`${store.url}/cart/add.js`, {data: {items: [{id: 10021, quantity: 1}]}});
      await upsell.evaluate((el) => (el as unknown as {refresh(): Promise<void>}).refresh());
      expect(await upsell.locator('[data-list] [data-product="1002"]').count()).toBe(0);
      expect(await upsell.locator('[data-list] [data-title]').count()).toBeGreaterThan(0);
      expect(await offer()).toEqual({choose: '/products/barista-apron', add: 0});
      // Keyboard: the link is reachable and opens the product page.
      await apronCard.getByRole('link', {name: 'Choose options for Barista Apron'}).focus();
      await Promise.all([page.waitForURL(/\/products\/barista-apron$/), page.keyboard.press('Enter')]);
      expect(problems).toEqual([]);
      await page.context().close();
    });
  }
});

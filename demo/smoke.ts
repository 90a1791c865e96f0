import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import type {Page} from 'playwright-core';
import type {StoreProduct} from '../devkit/store-generator';
import type {DemoCheckout} from './checkout';
import {launchChromium} from '../devkit/chromium';

/** Where the smoke run leaves its screenshots (git-ignored); the README's pictures come from here. */
export const SCREENSHOTS = join(import.meta.dirname, '..', 'screenshots');

interface Check {
  name: string;
  run(page: Page): Promise<string>;
}

/**
 * The demo's loop in headless Chromium: the product block shows buyable companions with prices, "add selected"
 * fills the cart, the cart upsell follows the cart, and each admin page loads with real numbers.
 */
export async function runSmoke(opts: {storefront: string; admin: string; product: StoreProduct | undefined; checkout: DemoCheckout | null}): Promise<boolean> {
  mkdirSync(SCREENSHOTS, {recursive: true});
  const browser = await launchChromium();
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  const consoleErrors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && !/favicon|cdn\.shopify\.com/.test(m.text()) && consoleErrors.push(m.text())));
  page.on('pageerror', (e) => void consoleErrors.push(String(e)));

  const checks: Check[] = [
    {
      name: 'product page: "Frequently bought together" shows buyable companions with prices',
      async run(p) {
        if (!opts.product) throw new Error('no product with a recommendation list');
        await p.goto(`${opts.storefront}/products/${opts.product.handle}`);
        const rows = p.locator('pairwise-bundle [data-companion]');
        await rows.first().waitFor({timeout: 10_000});
        const prices = await p.locator('pairwise-bundle .pairwise-item__price').allTextContents();
        if (prices.some((t) => !/\d/.test(t))) throw new Error(`a companion without a price: ${JSON.stringify(prices)}`);
        await p.locator('pairwise-bundle').screenshot({path: join(SCREENSHOTS, 'storefront-block.png')});
        return `${await rows.count()} companions, prices ${prices.slice(0, 3).join(' / ')}`;
      },
    },
    {
      name: '"Add selected to cart" puts the selection in the cart, tagged for attribution',
      async run(p) {
        await p.locator('pairwise-bundle button[type="submit"]').click();
        await p.waitForFunction(() => /\S/.test(document.querySelector('pairwise-bundle [data-status]')?.textContent ?? ''), undefined, {timeout: 10_000});
        const cart = await p.evaluate(async () => (await fetch('/cart.js')).json());
        const tagged = cart.items.filter((i: {properties?: Record<string, string>}) => i.properties?._pairwise);
        if (cart.item_count < 2 || tagged.length < 1) throw new Error(`cart after add: ${JSON.stringify(cart.items.map((i: {title: string}) => i.title))}`);
        await p.screenshot({path: join(SCREENSHOTS, 'storefront-product.png'), fullPage: false});
        return `${cart.item_count} items, ${tagged.length} tagged _pairwise`;
      },
    },
    {
      name: 'cart page: the upsell shows companions not in the cart and follows cart changes',
      async run(p) {
        await p.goto(`${opts.storefront}/cart`);
        const cards = p.locator('pairwise-upsell [data-list] > *');
        await cards.first().waitFor({timeout: 10_000});
        const before = await cards.count();
        const firstTitle = (await cards.first().textContent())?.trim().split('\n')[0] ?? '';
        await cards.first().locator('button').click();
        await p.waitForFunction((title) => ![...document.querySelectorAll('pairwise-upsell [data-list] > *')].some((c) => c.textContent?.includes(title)), firstTitle, {timeout: 10_000});
        await p.screenshot({path: join(SCREENSHOTS, 'storefront-cart.png'), fullPage: true});
        return `${before} suggestions; the added one left the list`;
      },
    },
    {
      name: 'checkout (Plus): the extension offers a product below the lines, and the offer goes once "Add" added it',
      async run(p) {
        if (!opts.checkout) throw new Error('no product has cart-model companions');
        await openHarnessPage(p, opts.checkout.checkout, 's-button');
        if ((await p.locator('s-button').count()) !== 1) throw new Error('no offer below the checkout lines');
        const offer = (await p.locator('s-text').first().textContent())?.trim() ?? '';
        await p.locator('s-button').click();
        await p.locator('s-button').waitFor({state: 'detached', timeout: 10_000});
        await p.screenshot({path: join(SCREENSHOTS, 'checkout-offer.png')});
        return `offered and added "${offer}"`;
      },
    },
    {
      name: 'thank-you page: "Complete the set" links a new cart for products the order lacks',
      async run(p) {
        if (!opts.checkout) throw new Error('no product has cart-model companions');
        await openHarnessPage(p, opts.checkout.thankYou, 's-link');
        const links = await p.locator('s-link').evaluateAll((els) => els.map((l) => l.getAttribute('href') ?? ''));
        if (!links.length || !links.every((h) => /\/cart\/\d+:1\?properties=[\w-]+$/.test(h))) throw new Error(`links: ${JSON.stringify(links)}`);
        await p.screenshot({path: join(SCREENSHOTS, 'thank-you-offers.png')});
        return `${links.length} products linked`;
      },
    },
    ...['/', '/recommendations', '/bundles', '/insights', '/analytics', '/settings'].map((path): Check => ({
      name: `admin ${path}: loads with real data`,
      async run(p) {
        await p.goto(`${opts.admin}${path}`);
        await p.waitForSelector('.Polaris-Page', {timeout: 15_000});
        await p.waitForFunction(() => !document.querySelector('.Polaris-SkeletonPage__Page, .Polaris-SkeletonBodyText'), undefined, {timeout: 15_000});
        const text = await p.locator('.Polaris-Page').innerText();
        if (/something went wrong|error/i.test(text.slice(0, 200))) throw new Error(`page shows an error: ${text.slice(0, 200)}`);
        if (path === '/' && !/\d{2,}/.test(text)) throw new Error('admin home shows no numbers');
        const uplift = /Revenue per visitor\s+([+-]?[\d.]+% \([^)]+\))/.exec(text);
        if (path === '/analytics' && !uplift) throw new Error('analytics shows no uplift with its interval');
        const name = path === '/' ? 'admin-home' : `admin-${path.slice(1)}`;
        await p.screenshot({path: join(SCREENSHOTS, `${name}.png`), fullPage: true});
        return path === '/analytics' ? `revenue per visitor ${uplift![1]}` : `${text.split('\n')[0]}`;
      },
    })),
  ];

  let ok = true;
  console.log('\nSmoke checks (headless Chromium):');
  for (const check of checks) {
    try {
      const detail = await check.run(page);
      console.log(`  ✓ ${check.name}: ${detail}`);
    } catch (err) {
      ok = false;
      console.log(`  ✗ ${check.name}: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
    }
  }
  if (consoleErrors.length) {
    ok = false;
    console.log(`  ✗ console errors: ${consoleErrors.slice(0, 5).join(' | ')}`);
  }
  await browser.close();
  console.log(ok ? `\nsmoke passed; screenshots in ${SCREENSHOTS}` : '\nsmoke FAILED');
  return ok;
}

/**
 * Opens a page of the checkout extension harness and waits until the extension has rendered `shown` (its offer):
 * the harness can be idle between the first render and the query an effect starts after it, so "no query pending"
 * alone can come before the offer does.
 */
async function openHarnessPage(p: Page, url: string, shown: string): Promise<void> {
  await p.goto(url);
  await p.waitForFunction(() => {
    const h = (window as unknown as {__harness?: {booted?: boolean; pending: number}}).__harness;
    return h?.booted === true && h.pending === 0;
  }, undefined, {timeout: 15_000});
  await p.locator(shown).first().waitFor({timeout: 10_000}).catch(() => undefined);
  const errors = await p.evaluate(() => (window as unknown as {__harness: {errors: string[]}}).__harness.errors);
  if (errors.length) throw new Error(`the extension threw: ${errors.join(' | ')}`);
}

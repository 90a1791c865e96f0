import {gzipSync} from 'node:zlib';
import {CheckoutHarness, bundleExtension} from '../devkit/checkout-harness';
import {sampleCarts, trainedShop} from '../devkit/checkout-harness/trained-shop';
import type {Bench, BenchRow} from './types';
import {launchChromium} from '../devkit/chromium';

/**
 * What the checkout UI extension costs a checkout: each target's bundle gzipped against Shopify's 64 KB
 * compressed limit per UI extension (https://shopify.dev/docs/apps/build/app-extensions/optimize-bundle-size),
 * and the time from the harness page starting the target's module to its first rendered element, in Chromium:
 * the module's evaluation, its Storefront API reads (over loopback here, so network time is left out) and its render.
 */
export const benchCheckoutExtension: Bench = async ({quick}) => {
  const rows: BenchRow[] = [];
  const bundles = await bundleExtension();
  for (const [file, text] of bundles) {
    rows.push({name: `${file}: bundle gzipped`, value: gzipSync(text).length / 1024, unit: 'KiB', reference: 64, referenceName: 'KiB Shopify limit', ratio: gzipSync(text).length / 1024 / 64});
  }
  const shop = await trainedShop();
  const harness = await CheckoutHarness.start({products: () => shop.store.products, metafields: () => shop.standin.metafields(shop.shop), appId: shop.standin.appId, currency: 'USD'});
  const browser = await launchChromium();
  try {
    const carts = sampleCarts(shop, quick ? 5 : 20, 31);
    for (const target of ['purchase.checkout.cart-line-list.render-after', 'purchase.thank-you.block.render'] as const) {
      const times: number[] = [];
      for (const cart of carts) {
        if ((await shop.serverOffers(cart, 1)).length === 0) continue;
        const page = await browser.newPage();
        await page.goto(harness.page({target, lines: cart}));
        await page.waitForFunction(() => (window as unknown as {__harness?: {firstRenderMs: number | null}}).__harness?.firstRenderMs != null);
        times.push(await page.evaluate(() => (window as unknown as {__harness: {firstRenderMs: number}}).__harness.firstRenderMs));
        await page.close();
      }
      times.sort((a, b) => a - b);
      rows.push({name: `${target}: first render (median)`, value: times[Math.floor(times.length / 2)], unit: 'ms', note: `${times.length} carts, p90 ${times[Math.floor(times.length * 0.9)]?.toFixed(0)} ms`});
    }
  } finally {
    await browser.close();
    await harness.close();
    await shop.close();
  }
  return rows;
};

import {existsSync} from 'node:fs';
import {gzipSync} from 'node:zlib';
import {createPreviewStorefront} from '../devkit/storefront';
import type {PreviewStorefront} from '../devkit/storefront';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../devkit/storefront/fixture';
import {standardEventsCdnUrl, standardEventsJs} from '../devkit/storefront/themes/pages';
import {themeAvailable, themesRoot} from '../devkit/storefront/themes/theme-files';
import {lighthouse, median, pageCls} from './storefront';
import type {Bench, BenchRow} from './types';
import {chromiumPath, launchChromium} from '../devkit/chromium';

const THEMES = ['horizon', 'dawn'] as const;
const HANDLE = 'pour-over-kettle';

interface PageFigures {
  cls: number;
  /** Every script the page loaded, by URL: its gzipped size (level 9, as blockBudgets counts). */
  scripts: Map<string, number>;
}

/**
 * Loads each page in Chromium (412x823, the Lighthouse mobile viewport) and reports its layout shift (layout-shift
 * entries without recent input, after load and a scroll) and the scripts it loaded. The standard events module
 * Horizon imports from Shopify's CDN is served from the preview, as in the tests; nothing else leaves the machine.
 */
async function measurePages(urls: string[]): Promise<PageFigures[]> {
  const browser = await launchChromium();
  try {
    const out: PageFigures[] = [];
    for (const url of urls) {
      const context = await browser.newContext({viewport: {width: 412, height: 823}});
      await context.route(
        (u) => u.origin !== new URL(url).origin,
        (route) =>
          route.request().url() === standardEventsCdnUrl
            ? route.fulfill({contentType: 'text/javascript', headers: {'Access-Control-Allow-Origin': '*'}, body: standardEventsJs})
            : route.abort(),
      );
      const page = await context.newPage();
      const scripts = new Map<string, number>();
      page.on('response', async (r) => {
        if (r.request().resourceType() !== 'script' || !r.ok()) return;
        scripts.set(r.url(), gzipSync(await r.body(), {level: 9}).length);
      });
      const cls = await pageCls(page, url);
      out.push({cls, scripts});
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

/**
 * The product block inside Horizon and Dawn, rendered from their own source (../shared/themes): the product
 * page's CLS with and without the block, the JavaScript the block adds to the page (gzipped), and Lighthouse
 * mobile performance with and without it. "Without" is the same theme and page with the product's
 * recommendations empty, so the block renders nothing, as a merchant sees it on a product without companions:
 * the block's markup and scripts are gone, the cart upsell app embed (on every page) stays.
 */
export const benchStorefrontThemes: Bench = async ({quick}) => {
  const rows: BenchRow[] = [];
  if (!existsSync(chromiumPath)) return [{name: 'product block in real themes', value: NaN, unit: '', note: `skipped: no Chromium at ${chromiumPath}`}];
  for (const theme of THEMES) {
    if (!themeAvailable(theme)) {
      rows.push({name: `${theme}: product block`, value: NaN, unit: '', note: `skipped: ${themesRoot}/${theme} is absent`});
      continue;
    }
    const common = {products: fixtureProducts, shop: fixtureShop, theme};
    const stores: PreviewStorefront[] = [
      createPreviewStorefront({...common, recommendationsFor: fixtureRecommendationsFor}),
      createPreviewStorefront({...common, recommendationsFor: () => []}),
    ];
    try {
      const [withBlock, withoutBlock] = await Promise.all(stores.map(async (s) => `${await s.listen(0, '127.0.0.1')}/products/${HANDLE}`));
      const [on, off] = await measurePages([withBlock, withoutBlock]);
      rows.push({
        name: `${theme}: product page CLS with the block`, value: on.cls, unit: '', reference: off.cls,
        referenceName: 'without the block', target: '0 added', note: 'Chromium layout-shift entries, 412x823, after load and a scroll',
      });
      const path = (url: string) => new URL(url).pathname;
      const before = new Set([...off.scripts.keys()].map(path));
      const added = [...on.scripts].filter(([url]) => !before.has(path(url)));
      rows.push({
        name: `${theme}: JS the block adds, gzipped`, value: added.reduce((sum, [, bytes]) => sum + bytes, 0) / 1024, unit: 'KiB',
        target: '<= 5 KiB', note: added.map(([url, bytes]) => `${path(url).split('/').pop()} ${bytes} B`).join(', ') || 'none',
      });
      const runs = quick ? 1 : 3;
      try {
        const scores: {with: number[]; without: number[]} = {with: [], without: []};
        // Alternating which page goes first, so a burst of load on the shared machine does not always hit the same one.
        for (let i = 0; i < runs; i++) {
          if (i % 2) scores.without.push((await lighthouse(withoutBlock)).score);
          scores.with.push((await lighthouse(withBlock)).score);
          if (i % 2 === 0) scores.without.push((await lighthouse(withoutBlock)).score);
        }
        const scoreWith = median(scores.with);
        const scoreWithout = median(scores.without);
        rows.push({
          name: `${theme}: Lighthouse performance with the block`, value: scoreWith, unit: 'score', reference: scoreWithout,
          referenceName: 'without the block', ratio: scoreWith / scoreWithout, target: 'delta <= 2',
          note: `delta ${(scoreWithout - scoreWith).toFixed(1)}, median of ${runs} (with ${scores.with.join('/')}, without ${scores.without.join('/')}), mobile preset${theme === 'horizon' ? "; Shopify's CDN is unreachable from this machine, so Horizon's import of the standard events module fails in both" : ''}`,
        });
      } catch (err) {
        rows.push({name: `${theme}: Lighthouse performance`, value: NaN, unit: 'score', note: `Lighthouse could not run here (${err instanceof Error ? err.message : String(err)})`});
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  }
  return rows;
};

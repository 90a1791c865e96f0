import {existsSync} from 'node:fs';
import type {Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import express from 'express';
import type {Page} from 'playwright-core';
import {blockBudgets, createPreviewStorefront} from '../devkit/storefront';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../devkit/storefront/fixture';
import type {Bench, BenchRow} from './types';
import {chromiumFlags, chromiumPath, launchChromium} from '../devkit/chromium';

/** Lighthouse starts Chromium itself, so it is told headless. */
const LIGHTHOUSE_FLAGS = ['--headless=new', ...chromiumFlags];

/**
 * The demo product page twice, from one origin: `/products/<handle>` as the preview storefront serves it with
 * the "Frequently bought together" block, and `/without/products/<handle>`, the same page with the block's
 * markup, scripts and stylesheet taken out. Everything else (assets, images) passes through.
 */
async function startPages(): Promise<{url: string; handle: string; close(): Promise<void>}> {
  const storefront = createPreviewStorefront({products: fixtureProducts, recommendationsFor: fixtureRecommendationsFor, shop: fixtureShop});
  const upstream = await storefront.listen(0, '127.0.0.1');
  const app = express();
  app.get('/without/products/:handle', async (req, res) => {
    const html = await (await fetch(`${upstream}/products/${encodeURIComponent(req.params.handle)}`)).text();
    const start = html.indexOf('<div class="app-block">');
    const end = html.indexOf('</div></main>', start);
    if (start < 0 || end < 0) throw new Error('the product page has no app block to take out');
    const bare = (html.slice(0, start) + html.slice(end + '</div>'.length)).replace(/<link rel="stylesheet" href="\/assets\/pairwise[^"]*">\n?/g, '');
    if (/pairwise-|pairwise\.css/.test(bare)) throw new Error('the block is still on the page without it');
    res.type('html').send(bare);
  });
  app.use(async (req, res) => {
    const answer = await fetch(upstream + req.originalUrl, {headers: {cookie: req.headers.cookie ?? ''}});
    res.status(answer.status);
    for (const header of ['content-type', 'cache-control', 'set-cookie']) {
      const value = answer.headers.get(header);
      if (value) res.set(header, value);
    }
    res.send(Buffer.from(await answer.arrayBuffer()));
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const {port} = server.address() as AddressInfo;
  const handle = fixtureProducts.find((p) => fixtureRecommendationsFor(p.id).length >= 2)!.handle;
  return {
    url: `http://127.0.0.1:${port}`,
    handle,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await storefront.close();
    },
  };
}

/** Cumulative Layout Shift as Chromium reports it (layout-shift entries without recent input), after load and a scroll. */
async function measureCls(urls: string[]): Promise<number[]> {
  const browser = await launchChromium();
  try {
    const out: number[] = [];
    for (const url of urls) {
      const page = await browser.newPage({viewport: {width: 412, height: 823}});
      out.push(await pageCls(page, url));
      await page.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

/**
 * Opens `url` and returns its cumulative layout shift (shifts without recent input), counted from the first paint,
 * through a scroll that brings the blocks below the fold into view.
 */
export async function pageCls(page: Page, url: string): Promise<number> {
  await page.addInitScript(() => {
    const w = window as unknown as {__cls: number};
    w.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & {value: number; hadRecentInput: boolean})[]) if (!e.hadRecentInput) w.__cls += e.value;
    }).observe({type: 'layout-shift', buffered: true});
  });
  await page.goto(url, {waitUntil: 'load'});
  await page.waitForTimeout(1000);
  await page.mouse.wheel(0, 2000);
  await page.waitForTimeout(1000);
  return page.evaluate(() => (window as unknown as {__cls: number}).__cls);
}

interface LighthouseRun {
  score: number;
  cls: number;
}

/** Lighthouse's performance category (default mobile preset, simulated throttling) with Debian's Chromium. */
export async function lighthouse(url: string): Promise<LighthouseRun> {
  const [{default: run}, launcher] = await Promise.all([import('lighthouse'), import('chrome-launcher')]);
  const chrome = await launcher.launch({chromePath: chromiumPath, chromeFlags: LIGHTHOUSE_FLAGS});
  try {
    const result = await run(url, {port: chrome.port, onlyCategories: ['performance'], output: 'json', logLevel: 'error'});
    if (!result) throw new Error('lighthouse returned no result');
    const score = result.lhr.categories.performance.score;
    if (score === null) throw new Error(`lighthouse could not score the page: ${result.lhr.runtimeError?.message ?? 'unknown error'}`);
    return {score: score * 100, cls: result.lhr.audits['cumulative-layout-shift'].numericValue ?? NaN};
  } finally {
    chrome.kill();
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * What the blocks cost a storefront: gzipped JS and CSS per block, and the demo product page's Lighthouse
 * performance score and layout shift with and without the "Frequently bought together" block.
 */
export const benchStorefront: Bench = async ({quick}) => {
  const rows: BenchRow[] = blockBudgets().flatMap((b) => [
    {name: `${b.block}: JS gzipped`, value: b.jsGzipBytes / 1024, unit: 'KiB', note: b.js.join(', ') || 'no script'},
    {name: `${b.block}: CSS gzipped`, value: b.cssGzipBytes / 1024, unit: 'KiB', note: b.css.join(', ') || 'no stylesheet'},
  ]);
  if (!existsSync(chromiumPath)) {
    rows.push({name: 'product page with the block', value: NaN, unit: '', note: `skipped: no Chromium at ${chromiumPath}`});
    return rows;
  }
  const pages = await startPages();
  try {
    const withBlock = `${pages.url}/products/${pages.handle}`;
    const withoutBlock = `${pages.url}/without/products/${pages.handle}`;
    const [clsWith, clsWithout] = await measureCls([withBlock, withoutBlock]);
    rows.push({
      name: 'product page CLS with the block (Chromium)', value: clsWith, unit: '', reference: clsWithout,
      referenceName: 'without the block', target: '0', note: 'layout-shift entries, 412x823 viewport, after load and a scroll',
    });
    const runs = quick ? 1 : 3;
    try {
      const scores: {with: LighthouseRun[]; without: LighthouseRun[]} = {with: [], without: []};
      // Alternating which page goes first, so a burst of load on the shared machine does not always hit the same one.
      for (let i = 0; i < runs; i++) {
        if (i % 2) scores.without.push(await lighthouse(withoutBlock));
        scores.with.push(await lighthouse(withBlock));
        if (i % 2 === 0) scores.without.push(await lighthouse(withoutBlock));
      }
      const scoreWith = median(scores.with.map((r) => r.score));
      const scoreWithout = median(scores.without.map((r) => r.score));
      rows.push({
        name: 'Lighthouse performance with the block', value: scoreWith, unit: 'score', reference: scoreWithout,
        referenceName: 'without the block', ratio: scoreWith / scoreWithout,
        target: 'delta <= 2', note: `delta ${(scoreWithout - scoreWith).toFixed(1)}, median of ${runs} (with ${scores.with.map((r) => r.score).join('/')}, without ${scores.without.map((r) => r.score).join('/')}), mobile preset; Lighthouse CLS ${median(scores.with.map((r) => r.cls)).toFixed(3)} with, ${median(scores.without.map((r) => r.cls)).toFixed(3)} without`,
      });
    } catch (err) {
      rows.push({name: 'Lighthouse performance with the block', value: NaN, unit: 'score', note: `Lighthouse could not run here (${err instanceof Error ? err.message : String(err)}); CLS above is from Chromium's PerformanceObserver`});
    }
  } finally {
    await pages.close();
  }
  return rows;
};

import {execSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Browser, Page} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {backfillsRepo} from '../../storage/repos/backfills';
import {trainRunsRepo} from '../../storage/repos/train-runs';
import type {ApiApp} from '../server/api/harness';
import {sessionToken, startApiApp} from '../server/api/harness';
import {pid, seedStore} from '../server/api/fixture';
import {seedExperiment} from '../server/api/experiment-fixture';
import type {PlantedExperiment} from '../server/api/experiment-fixture';
import {sendWebhook, signedWebhook} from '../../devkit/webhooks';
import {chromiumPath, launchChromium} from '../../devkit/chromium';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const STANDIN = join(ROOT, 'devkit/app-bridge-standin.js');
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
const SCREENSHOTS = join(ROOT, 'test-output/screenshots');
const SHOP = 'coffee-corner.myshopify.com';
const BASE = 1000;

let app: ApiApp;
let planted: PlantedExperiment;
let browser: Browser;
let page: Page;
/** Every /api request the page made, as "METHOD /path". */
const requests: string[] = [];
const pageErrors: string[] = [];

/**
 * A browser page as the admin iframe would be: App Bridge's CDN script answered by the stand-in, which hands
 * out `token`. Reduced motion: charts draw at once, so screenshots show their final state.
 */
async function adminPage(token: string, height: number): Promise<Page> {
  const p = await browser.newPage({viewport: {width: 1280, height}, reducedMotion: 'reduce'});
  await p.addInitScript((t) => {
    (window as unknown as {__appBridgeStandin: object}).__appBridgeStandin = {token: t};
  }, token);
  await p.route('https://cdn.shopify.com/shopifycloud/app-bridge.js', (route) => route.fulfill({path: STANDIN, contentType: 'application/javascript'}));
  return p;
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) return;
  // The server serves app/dist; (re)build it when missing or older than app/'s sources.
  // NODE_ENV is 'test' here; the build must be the production one the server ships.
  execSync('node scripts/ensure-build.mjs', {cwd: ROOT, stdio: 'pipe', env: {...process.env, NODE_ENV: 'production'}});
  app = await startApiApp();
  seedStore(app.services.shopDbs.get(SHOP as never), BASE);
  planted = seedExperiment(app.services.shopDbs.get(SHOP as never), {share: 0.1, visitors: 2600, lift: 0.3, firstOrderId: 9_000_000, orderedAt: '2026-11-05T15:00:00Z', bundleDiscount: 0.1});
  const token = await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret, expiresInS: 600});
  browser = await launchChromium();
  page = await adminPage(token, 900);
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) requests.push(`${r.method()} ${url.pathname}`);
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  mkdirSync(SCREENSHOTS, {recursive: true});
  await page.goto(`${app.url}/?shop=${SHOP}&host=admin`);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Polls until the assertion holds: generous, because two cores may be busy with the rest of the suite. */
const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, {timeout: 20_000, interval: 100});
const toasts = () => page.evaluate(() => (window as unknown as {__appBridgeStandin: {toasts: string[]}}).__appBridgeStandin.toasts);
const open = async (name: string) => {
  await page.locator('ui-nav-menu').getByRole('link', {name, exact: true}).click();
};
/** A row of the companions table (the search results list products too). */
const companionRow = (title: string) => page.getByRole('row').filter({hasText: title}).filter({has: page.getByRole('button', {name: 'Exclude here'})});
/**
 * axe-core's serious and critical findings on the current page, as "rule: target" lines. polaris-viz's SVG
 * internals are left out (their points carry no alt text); each chart has its numbers in text beside it.
 */
const accessibilityProblems = async (): Promise<string[]> => {
  await page.addScriptTag({path: AXE});
  return page.evaluate(async () => {
    const axe = (window as unknown as {axe: {run(context: object, opts: object): Promise<{violations: {id: string; impact: string; nodes: {target: string[]}[]}[]}>}}).axe;
    const {violations} = await axe.run({exclude: [['[data-chart]']]}, {resultTypes: ['violations']});
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  });
};
const shoot = async (name: string, opts: {axe?: boolean} = {}) => {
  await page.screenshot({path: join(SCREENSHOTS, `admin-${name}.png`), fullPage: true});
  if (opts.axe ?? true) problems[name] = await accessibilityProblems();
};
const problems: Record<string, string[]> = {};

describe.skipIf(!existsSync(chromiumPath))('the embedded admin in Chromium', () => {
  it('Home: store data, the model, and its quality against the baselines as a chart', async () => {
    await eventually(() => page.getByText('Orders stored').count()).toBe(1);
    const body = page.locator('body');
    await eventually(() => body.innerText()).toContain('v1');
    expect(await body.innerText()).toMatch(/contained another product of that same order 42% of the time/);
    expect(await page.locator('[aria-label="Pairwise compared with simple rules on held-out orders"] svg').count()).toBeGreaterThan(0);
    expect(requests).toEqual(expect.arrayContaining(['GET /api/status', 'GET /api/training']));
    await shoot('home');
  });

  it('Recommendations: search, explanations, pin a hidden pair and see it in the preview', async () => {
    await open('Recommendations');
    await page.getByLabel('Find a product').fill('espresso');
    await page.getByRole('button', {name: 'Espresso beans'}).click();
    await eventually(() => page.getByText('Recommended with Espresso beans').count()).toBe(1);
    expect(await page.locator('body').innerText()).toContain('Bought together in 3 orders: 60% of orders with Espresso beans also had it.');
    const filters = companionRow('Paper filters');
    expect(await filters.innerText()).toContain('Below minimum lift');
    await filters.getByRole('button', {name: 'Pin'}).click();
    await eventually(toasts).toContain('Pinned: the storefront updates in a moment');
    await eventually(() => companionRow('Paper filters').innerText()).toContain('Pinned');
    const preview = page.locator('.Polaris-Box').filter({hasText: 'Frequently bought together'}).last();
    expect(await preview.innerText()).toMatch(/Paper filters[\s\S]*Milk frother[\s\S]*Ceramic cup/);
    expect(requests).toContain(`PUT /api/products/${pid(BASE, 1)}/pins`);
    await shoot('recommendations');
  });

  it('Bundles: lists bundles with support and lift, and promotes one', async () => {
    await open('Bundles');
    const row = page.getByRole('row').filter({hasText: 'Green tea + Teapot + Honey jar'});
    await eventually(() => row.count()).toBe(1);
    expect(await row.innerText()).toMatch(/10%[\s\S]*4\.2×/);
    await row.getByRole('button', {name: 'Promote to block'}).click();
    await eventually(() => row.innerText()).toContain('In the block');
    expect(await toasts()).toContain('Bundle promoted to the block');
    await shoot('bundles');
  });

  it('Insights: named communities, top pairs, best sellers without companions', async () => {
    await open('Insights');
    await eventually(() => page.getByText('Products bought together').count()).toBe(1);
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/Coffee\s+4 products, bought 12 times/);
    expect(text).toContain('Espresso beans + Milk frother');
    expect(text).toMatch(/Best sellers without a good companion[\s\S]*Gift card/);
    await shoot('insights');
  });

  it('Analytics: what the blocks add per group with the uplift\'s interval, funnel per block, revenue, a daily chart', async () => {
    await open('Analytics');
    await eventually(() => page.getByText('Funnel per block').count()).toBe(1);
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/Frequently bought together\s+168\s+133\s+28\s+14\s+4/);
    expect(await page.locator('[aria-label="Per day"] svg').count()).toBeGreaterThan(0);
    expect(text).toContain('What the blocks add');
    expect(text).toMatch(/12 days running · 10% of visitors held out/);
    const count = (n: number) => n.toLocaleString('en');
    for (const [label, arm] of [['Saw the blocks', planted.exposed], ['Held out', planted.holdout]] as const) {
      expect(text).toMatch(new RegExp(`${label}\\s+${count(arm.visitors)}\\s+${count(arm.orders)}\\s`));
    }
    // Relative uplift with its interval: "+30.1% (+12.0% to +51.0%)".
    expect(text).toMatch(/Revenue per visitor\s+[+-]?[\d.]+% \([+-]?[\d.]+% to [+-]?[\d.]+%\)/);
    expect(text).not.toContain('block displays were held out');
    // The bundle discount: what it cost over the period, and per group inside the experiment.
    const euros = (x: number) => new Intl.NumberFormat('en', {style: 'currency', currency: 'EUR'}).format(x).replace(/[.$]/g, '\\$&');
    const bundle = planted.exposed.bundleDiscount + planted.holdout.bundleDiscount;
    expect(text).toMatch(new RegExp(`Bundle discount given\\s+${euros(bundle)}\\s+Taken off ${count(planted.exposed.bundleOrders + planted.holdout.bundleOrders)} orders`));
    for (const [label, arm] of [['Saw the blocks', planted.exposed], ['Held out', planted.holdout]] as const) {
      expect(text).toMatch(new RegExp(`${label}\\s+${count(arm.bundleOrders)}\\s+${euros(arm.bundleDiscount)}\\s+${euros(arm.bundleDiscount / arm.visitors)}`));
    }
    // The visitors fall in their groups at random, so the held-out group may have got more discount per visitor.
    const extra = planted.exposed.bundleDiscount / planted.exposed.visitors - planted.holdout.bundleDiscount / planted.holdout.visitors;
    const extraShown = `${extra > 0 ? '\\+' : ''}${euros(extra)}`;
    expect(text).toMatch(new RegExp(`got ${extraShown} per visitor in bundle discount beyond the held-out group's; the uplift of [+-]?€[\\d.]+ per visitor is what is left`));
    await shoot('analytics');
  });

  it('Settings: field-level errors before sending, then saves with a toast', async () => {
    await open('Settings');
    const maxItems = page.getByLabel('Products per block');
    await eventually(() => maxItems.count()).toBe(1);
    const puts = () => requests.filter((r) => r === 'PUT /api/settings').length;
    const before = puts();
    await maxItems.fill('0');
    await page.getByLabel('Holdout share').fill('80');
    await page.getByRole('button', {name: 'Save'}).click();
    await eventually(() => page.getByText('Enter a whole number from 1 to 20.').count()).toBe(1);
    expect(await page.getByText('Enter a percentage from 0 to 50.').count()).toBe(1);
    expect(await page.getByText('2 fields need a change before saving').count()).toBe(1);
    expect(puts()).toBe(before);
    await shoot('settings-errors', {axe: false});
    await maxItems.fill('6');
    await page.getByLabel('Holdout share').fill('15');
    await page.getByRole('button', {name: 'Save'}).click();
    await eventually(toasts).toContain('Settings saved: the storefront updates in a moment');
    expect(puts()).toBe(before + 1);
    const res = await fetch(`${app.url}/api/settings`, {headers: {authorization: `Bearer ${await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret})}`}});
    expect((await res.json()).settings).toMatchObject({maxItems: 6, holdoutShare: 0.15});
    await shoot('settings');
  });

  it('Home: training progress updates live while a run goes', async () => {
    // What the training job writes as it goes; the page only reads it.
    const runs = trainRunsRepo(app.services.shopDbs.get(SHOP as never));
    const run = runs.start();
    runs.progress(run, 'pairs', 0.25);
    await open('Home');
    await eventually(() => page.locator('body').innerText()).toContain('Training: pairs, 25% done');
    expect(await page.getByRole('button', {name: 'Retrain now'}).isDisabled()).toBe(true);
    runs.progress(run, 'embed', 0.6);
    await eventually(() => page.locator('body').innerText()).toContain('Training: embed, 60% done');
    await shoot('home-training', {axe: false});
  });

  it('Home: the import counts say what they counted (orders and their line items, products and their variants)', async () => {
    // Bulk exports are read as JSONL, one line per order and per line item: 4,000 orders came as 11,792 lines.
    const backfills = backfillsRepo(app.services.shopDbs.get(SHOP as never));
    for (const [kind, lines] of [['orders', 11_792], ['products', 268]] as const) {
      const id = backfills.create(kind);
      backfills.progress(id, lines);
      backfills.finish(id, 'completed');
    }
    const home = await adminPage(await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret, expiresInS: 600}), 900);
    await home.goto(`${app.url}/`);
    await eventually(() => home.locator('body').innerText()).toContain('Import of past orders: complete (11,792 orders and line items read)');
    expect(await home.locator('body').innerText()).toContain('Import of the catalogue: complete (268 products and variants read)');
    await home.close();
  });

  it('Home before the first orders: an empty state that says what happens next', async () => {
    const empty = await adminPage(await sessionToken({shop: 'new-store.myshopify.com', apiKey: app.apiKey, secret: app.secret, expiresInS: 600}), 700);
    await empty.goto(`${app.url}/`);
    await eventually(() => empty.getByText('Waiting for your first orders').count()).toBe(1);
    await empty.screenshot({path: join(SCREENSHOTS, 'admin-home-empty.png'), fullPage: true});
    await empty.close();
  });

  it('a page whose session token is refused says so instead of showing nothing', async () => {
    const refused = await adminPage(await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: 'another-secret'}), 500);
    await refused.goto(`${app.url}/`);
    await eventually(() => refused.getByText('Your session could not be verified').count()).toBe(1);
    await refused.close();
  });

  it('Data requests: a customer\'s request is listed and its JSON downloads with their orders', async () => {
    const orders = [BASE * 10, BASE * 10 + 1];
    const body = {shop_id: 1, shop_domain: SHOP, orders_requested: orders, customer: {id: 5150, email: 'asker@example.com', phone: '555-0100'}, data_request: {id: 9999}};
    expect((await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'customers/data_request', shop: SHOP, secret: app.secret, body}))).status).toBe(200);
    await open('Data requests');
    const row = page.getByRole('row').filter({hasText: '9999'});
    await eventually(() => row.count()).toBe(1);
    expect(await row.innerText()).toMatch(/9999\s+2/);
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', {name: 'Download JSON of request 9999'}).click()]);
    expect(download.suggestedFilename()).toBe('pairwise-data-request-9999.json');
    const held = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expect(held.orders.map((o: {orderId: number}) => o.orderId)).toEqual(orders);
    expect(held.products.map((p: {title: string}) => p.title)).toEqual(expect.arrayContaining(['Espresso beans', 'Milk frother']));
    expect(requests).toContain('GET /api/data-requests/1');
    await shoot('data-requests');
  });

  it('sent a session token with every api call and threw no page errors', async () => {
    expect(requests.length).toBeGreaterThan(8);
    expect(pageErrors).toEqual([]);
  });

  it('has no serious accessibility problems on any page (axe-core)', () => {
    expect(Object.keys(problems).length).toBeGreaterThanOrEqual(6);
    expect(problems).toEqual(Object.fromEntries(Object.keys(problems).map((k) => [k, []])));
  });
});

import {execSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync, rmSync} from 'node:fs';
import type {Server} from 'node:http';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import cliProgress from 'cli-progress';
import express from 'express';
import {offlineSession} from '../server/auth/offline-session';
import {activateWebPixel} from '../server/publish/web-pixel';
import {runBackfill} from '../server/backfill/bulk';
import {companionsFor} from '../server/recommend/storefront';
import type {Config} from '../server/config';
import {closeServices, createApp, createServices} from '../server/app';
import type {Services} from '../server/services';
import {backfillsRepo} from '../storage/repos/backfills';
import {createLogger} from '../server/log';
import {parseShopDomain} from '../storage/shop-domain';
import {sessionToken} from '../devkit/session-token';
import {ShopifyStandin} from '../devkit/shopify-standin';
import {createPreviewStorefront} from '../devkit/storefront';
import type {PreviewStorefront} from '../devkit/storefront';
import {orderPayload, sendWebhook, signedWebhook} from '../devkit/webhooks';
import {adminBuildStale} from '../scripts/admin-build.mjs';
import {demoAdminPage} from './admin-page';
import {startDemoCheckout} from './checkout';
import type {DemoCheckout} from './checkout';
import {readDatasetOrders} from './dataset-replay';
import {generateStore} from '../devkit/store-generator';
import type {StoreOrder, StoreProduct} from '../devkit/store-generator';
import {trainShop} from './train';
import {DEFAULT_BUNDLE_DISCOUNT} from '../domain/bundle-discount';
import type {BundleDiscountView} from '../domain/bundle-discount';
import {PLANTED_RPV_UPLIFT, runShoppers} from './shoppers';
import type {ShopperTotals} from './shoppers';

/**
 * `npm run demo`: the whole loop on a simulated store, no Shopify account. A local Shopify stand-in holds the
 * store; the real app installs through token exchange, backfills history through bulk operations, receives
 * new orders as signed webhooks, trains, publishes metafields, and serves the storefront blocks and the admin.
 * `--smoke` runs it headless in Chromium and exits.
 */

const ROOT = join(import.meta.dirname, '..');
const WORK = join(ROOT, '.demo');
const SHOP = parseShopDomain('pairwise-demo.myshopify.com')!;

interface Args {
  smoke: boolean;
  seed: number;
  orders: number;
  products: number;
  dataset?: string;
  port: number;
  shoppers: number;
}

function parse(): Args {
  const {values} = parseArgs({
    options: {
      smoke: {type: 'boolean', default: false},
      seed: {type: 'string', default: '1'},
      orders: {type: 'string', default: '4000'},
      products: {type: 'string', default: '240'},
      dataset: {type: 'string'},
      port: {type: 'string', default: process.env.PORT ?? '3000'},
      shoppers: {type: 'string', default: '1500'},
    },
    strict: true,
  });
  const int = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, not "${v}"`);
    return n;
  };
  return {smoke: values.smoke!, seed: int('seed', values.seed!), orders: int('orders', values.orders!), products: int('products', values.products!), dataset: values.dataset, port: int('port', values.port!), shoppers: int('shoppers', values.shoppers!)};
}

class UsageError extends Error {}

const timings: {step: string; seconds: number}[] = [];
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  console.log(`\n▸ ${name}`);
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  timings.push({step: name, seconds});
  console.log(`  done in ${seconds.toFixed(1)} s`);
  return result;
}

function bar(label: string, total: number): cliProgress.SingleBar {
  const b = new cliProgress.SingleBar(
    {format: `  ${label.padEnd(22)} {bar} {value}/{total}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000, clearOnComplete: false},
    cliProgress.Presets.shades_classic,
  );
  b.start(total, 0);
  return b;
}

async function loadStore(args: Args): Promise<{products: StoreProduct[]; orders: StoreOrder[]; note: string}> {
  if (!args.dataset) {
    const store = generateStore({seed: args.seed, orders: args.orders, products: args.products});
    return {products: store.products, orders: [...store.orders()], note: `synthetic store, seed ${args.seed}`};
  }
  const opened = await readDatasetOrders(args.dataset);
  if (!opened.ok) throw new UsageError(`--dataset: ${opened.reason}`);
  const orders: StoreOrder[] = [];
  for await (const o of opened.replay.orders()) {
    orders.push(o);
    if (args.orders && orders.length >= args.orders) break;
  }
  const {stats} = opened.replay;
  if (stats.error) console.log(`  the file stopped being readable part-way (${stats.error}); using the ${orders.length} orders before it`);
  return {products: [...opened.replay.products.values()], orders, note: `${args.dataset}: ${orders.length} orders, ${stats.skippedRows} broken rows skipped`};
}

async function listen(server: Server, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new UsageError(`port ${port} (${what}) is in use: pick another with npm run demo -- --port <n>`) : err),
    );
  });
}

async function main(): Promise<void> {
  const args = parse();
  // A second run reuses nothing stale.
  rmSync(WORK, {recursive: true, force: true});
  mkdirSync(WORK, {recursive: true});
  // A build older than the admin's sources or the lockfile is rebuilt, not served: a stale bundle shows old pages.
  if (adminBuildStale(ROOT)) {
    // Always the production bundle: under vitest NODE_ENV is 'test', which made Vite bundle React's development
    // build (1.22 MB against 0.99 MB), whose charts logged negative-height errors that failed the smoke.
    await step('Build the admin page', async () => void execSync('npm run build', {cwd: ROOT, stdio: 'ignore', env: {...process.env, NODE_ENV: 'production'}}));
  }

  const store = await step('Generate the store', async () => loadStore(args));
  console.log(`  ${store.products.length} products, ${store.orders.length} orders (${store.note})`);
  const cut = Math.floor(store.orders.length * 0.9);
  const history = store.orders.slice(0, cut);
  const live = store.orders.slice(cut);

  const apiKey = `demo-${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(24).toString('hex');
  const appUrl = `http://localhost:${args.port}`;
  const standin = await ShopifyStandin.start({apiKey, apiSecret: secret, webhookUrl: `http://127.0.0.1:${args.port}/webhooks`, bulkStepDelayMs: 10});
  const shopState = standin.addShop(SHOP, {products: store.products, orders: history, name: 'Pairwise Demo Store'});

  const config: Config = {apiKey, apiSecret: secret, appUrl: new URL(appUrl), scopes: ['read_orders', 'read_products', 'write_products', 'write_app_proxy', 'write_discounts', 'write_pixels', 'read_customer_events'], port: args.port, dataDir: join(WORK, 'data'), adminOrigin: standin.origin};
  const ctx = createServices(config, createLogger(process.env.PAIRWISE_LOG_LEVEL === undefined ? 'error' : undefined));
  // Long-lived (App Bridge's live a minute) because the demo page has no App Bridge to mint fresh ones.
  const token = await sessionToken({shop: SHOP, apiKey, secret, expiresInS: 12 * 3600});
  const admin = demoAdminPage({apiKey, shop: SHOP, token: () => token});
  const web = express();
  web.get('/demo/app-bridge-standin.js', admin.script);
  web.get(['/', '/recommendations', '/bundles', '/insights', '/analytics', '/settings'], admin.page);
  web.use(createApp(ctx));
  const server = web.listen(args.port, '127.0.0.1');
  await listen(server, args.port, 'the app');

  let storefront: PreviewStorefront | undefined;
  let checkout: DemoCheckout | null = null;
  let ticker: NodeJS.Timeout | undefined;
  const stop = async (code: number) => {
    if (ticker) clearInterval(ticker);
    await storefront?.close();
    await checkout?.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await standin.close();
    closeServices(ctx);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  await step('Install the app (token exchange, web pixel) and backfill history (bulk operations)', async () => {
    await offlineSession(ctx, SHOP, token);
    await activateWebPixel(ctx, SHOP);
    const b = bar('bulk objects', history.length + store.products.length);
    const timer = setInterval(() => {
      const repo = backfillsRepo(ctx.shopDbs.get(SHOP));
      b.update((repo.latest('products')?.objects_done ?? 0) + (repo.latest('orders')?.objects_done ?? 0));
    }, 250);
    await runBackfill(ctx, SHOP, {pollMs: 50});
    clearInterval(timer);
    b.update(b.getTotal());
    b.stop();
  });

  standin.addOrders(SHOP, live);
  await step('Send new orders as signed webhooks', async () => {
    const b = bar('orders/create', live.length);
    await sendOrders(ctx, live, () => b.increment());
    b.stop();
  });

  const listsBefore = storeLists(standin);
  const trained = await step('Train (trainer process) and publish the model', () => trainShop(ctx, SHOP));
  console.log(`  model v${trained.version} (${trained.kind}) on ${trained.backend}; ${trained.summary}`);

  // A published model is pushed to the metafields by the training itself (publishing again would find
  // nothing left to write): wait for that publish and count what reached the store.
  const published = await step('Publish metafields to the store', async () => {
    await ctx.training.done(SHOP);
    return listChanges(listsBefore, storeLists(standin));
  });
  console.log(`  ${published.written} product lists written, ${published.removed} removed (${published.held} on the store)`);

  storefront = await step('Start the preview storefront', async () => {
    const sf = createPreviewStorefront({
      products: store.products.map((p) => ({id: p.id, handle: p.handle, title: p.title, price: Math.round(Number(p.price) * 100), available: p.available, status: p.status, giftCard: p.giftCard, variantId: p.variantId})),
      recommendationsFor: (id) => recommendationsFromStandin(standin, id),
      shop: SHOP,
      proxyOrigin: `http://127.0.0.1:${args.port}`,
      secret,
      drawer: true,
      // What the server last wrote to the app installation's app-data metafields (the experiment's salt and share,
      // the bundle discount the product block shows).
      appMetafields: () => appDataMetafields(shopState.appMetafields.values()),
      // The shop's automatic app discounts: every cart runs the bundle discount function on them.
      discounts: () => standin.appDiscounts(SHOP),
      // Checkout sends the app its orders/create; the web pixel the install activated runs on every page.
      checkout: {webhookUrl: `http://127.0.0.1:${args.port}/webhooks`, secret, firstOrderId: 8_000_000_000},
      webPixel: () => standin.webPixelSettings(SHOP),
    });
    await sf.listen(args.port + 1, '127.0.0.1');
    return sf;
  });

  const discount = await step('Turn the bundle discount on (Settings card: 10% off the companions)', () => turnBundleDiscountOn(appUrl, token));
  console.log(`  Shopify reports it ${discount.status}: "${discount.settings.message}"`);

  const experiment = await step(`Holdout experiment: ${args.shoppers} shoppers through the storefront, planted +${PLANTED_RPV_UPLIFT * 100}% revenue per visitor before the discount`, async () => {
    await startExperiment(appUrl, token, 0.5, () => appDataMetafields(shopState.appMetafields.values()).pairwise?.experiment);
    const b = bar('shoppers', args.shoppers);
    const planted = await runShoppers({
      storefront: storefront!.url, handles: handlesWithBlock(standin, store.products), shoppers: args.shoppers, seed: args.seed,
    }, () => b.increment());
    b.stop();
    return {planted, read: await readExperiment(appUrl, token)};
  });
  console.log(`  ${experimentLine(experiment.planted, experiment.read)}`);
  console.log(`  ${discountLine(experiment.planted, experiment.read)}`);

  const featured = pickFeatured(standin, store.products);
  const shopDb = ctx.shopDbs.get(SHOP);
  checkout = await startDemoCheckout({
    standin, shop: SHOP, products: store.products, featured, currency: store.orders[0]?.currency ?? 'USD', app: {url: appUrl, apiKey, secret},
    serverOffers: async (lines) => companionsFor(shopDb, await ctx.models.get(SHOP, shopDb), lines, {block: 'cart', limit: 1}).map((c) => c.id),
  });
  console.log(`\nPairwise demo is running:
  storefront   ${storefront.url}/products/${featured?.handle ?? ''}
  cart         ${storefront.url}/cart
  checkout     ${checkout?.checkout ?? '(no product has cart-model companions)'}
  thank you    ${checkout?.thankYou ?? '(no product has cart-model companions)'}
  admin        ${appUrl}/
  steps        ${timings.map((t) => `${t.step.split(' ')[0]} ${t.seconds.toFixed(1)}s`).join(', ')}`);

  if (args.smoke) {
    const {runSmoke} = await import('./smoke');
    const ok = await runSmoke({storefront: storefront.url, admin: appUrl, product: featured, checkout});
    await stop(ok ? 0 : 1);
    return;
  }
  console.log('\nA new order arrives every 4 seconds, so the admin\'s numbers move. Ctrl-C stops everything.');
  const more = generateStore({seed: args.seed + 1, orders: 10_000, products: args.products}).orders();
  let nextId = 9_000_000_000;
  ticker = setInterval(() => {
    const next = more.next();
    if (next.done) return;
    const order = {...next.value, id: nextId++, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString()};
    standin.addOrders(SHOP, [order]); // the store has it too, so a later backfill agrees with the webhooks
    void sendOrders(ctx, [order], () => {});
  }, 4000);
}

async function sendOrders(ctx: Pick<Services, 'config'>, orders: StoreOrder[], onEach: () => void): Promise<void> {
  const url = `http://127.0.0.1:${ctx.config.port}/webhooks`;
  let next = 0;
  await Promise.all(
    Array.from({length: 8}, async () => {
      while (next < orders.length) {
        const order = orders[next++];
        const signed = signedWebhook({topic: 'orders/create', shop: SHOP, secret: ctx.config.apiSecret, body: orderPayload(order)});
        const res = await sendWebhook(url, signed);
        if (res.status !== 200) throw new Error(`webhook for order ${order.id} answered ${res.status}`);
        onEach();
      }
    }),
  );
}

/** Each product's recommendations metafield value in the stand-in, as the store holds it. */
function storeLists(standin: ShopifyStandin): Map<number, string> {
  return new Map(standin.metafields(SHOP).filter((m) => m.key === 'recommendations').map((m) => [m.productId, m.value]));
}

/** How the store's lists changed: written (new or different), removed, and how many it holds now. */
function listChanges(before: Map<number, string>, after: Map<number, string>): {written: number; removed: number; held: number} {
  const written = [...after].filter(([id, value]) => before.get(id) !== value).length;
  const removed = [...before.keys()].filter((id) => !after.has(id)).length;
  return {written, removed, held: after.size};
}

/** What Liquid would read from the product's `$app:pairwise.recommendations` metafield in the stand-in. */
function recommendationsFromStandin(standin: ShopifyStandin, productId: number): number[] {
  const field = standin.metafields(SHOP).find((m) => m.productId === productId && m.key === 'recommendations');
  if (!field) return [];
  return (JSON.parse(field.value) as string[]).map((g) => Number(g.slice(g.lastIndexOf('/') + 1)));
}

/** The app-data metafields of the installation as Liquid reads them: namespace -> key -> parsed value. */
function appDataMetafields(records: Iterable<{namespace: string; key: string; type: string; value: string}>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const m of records) (out[m.namespace] ??= {})[m.key] = m.type === 'json' ? JSON.parse(m.value) : m.value;
  return out;
}

/** Saves the holdout share as the merchant would (PUT /api/settings) and waits until the store holds the period. */
async function startExperiment(appUrl: string, token: string, holdoutShare: number, published: () => unknown): Promise<void> {
  const res = await fetch(`${appUrl}/api/settings`, {method: 'PUT', headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'}, body: JSON.stringify({holdoutShare})});
  if (res.status !== 200) throw new Error(`saving the holdout share answered ${res.status}`);
  for (let i = 0; i < 200 && !published(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!published()) throw new Error('the experiment metafield did not reach the store');
}

interface ExperimentRead {
  currency: string | null;
  estimate: {
    exposed: {orders: number};
    holdout: {orders: number};
    revenuePerVisitor: {relative: {estimate: number; low: number; high: number}; absolute: {estimate: number; low: number; high: number}} | null;
    informative: boolean;
    power: {visitorsStillNeeded: number | null};
  };
  bundleDiscount: Record<'exposed' | 'holdout', {orders: number; cost: number; perVisitor: number}>;
}

/** Saves the Settings card's bundle discount, on, as the merchant would (PUT /api/bundle-discount). */
async function turnBundleDiscountOn(appUrl: string, token: string): Promise<BundleDiscountView> {
  const body = {...DEFAULT_BUNDLE_DISCOUNT, enabled: true};
  const res = await fetch(`${appUrl}/api/bundle-discount`, {method: 'PUT', headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'}, body: JSON.stringify(body)});
  if (res.status !== 200) throw new Error(`saving the bundle discount answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as BundleDiscountView;
}

/** The experiment as the Analytics page reads it. */
async function readExperiment(appUrl: string, token: string): Promise<ExperimentRead> {
  const res = await fetch(`${appUrl}/api/analytics/experiment`, {headers: {authorization: `Bearer ${token}`}});
  if (res.status !== 200) throw new Error(`GET /api/analytics/experiment answered ${res.status}`);
  return (await res.json()) as ExperimentRead;
}

/** The estimate beside what was planted: the expected +8% and the uplift the shoppers actually produced. */
function experimentLine(planted: ShopperTotals, read: ExperimentRead): string {
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const rpv = (arm: 'exposed' | 'holdout') => planted.revenue[arm] / Math.max(1, planted.visitors[arm]);
  const realized = rpv('exposed') / rpv('holdout') - 1;
  const counted = `${planted.visitors.exposed} exposed and ${planted.visitors.holdout} held-out visitors, ${planted.orders.exposed + planted.orders.holdout} orders, ${read.estimate.exposed.orders + read.estimate.holdout.orders} in the server's groups (${planted.buyNow} by "Buy it now", attributed by the web pixel; ${planted.declined.shoppers} shoppers declined analytics: not counted, their ${planted.declined.orders} orders outside the experiment)`;
  const u = read.estimate.revenuePerVisitor?.relative;
  if (!u) return `${counted}; not enough data for an interval yet`;
  const more = read.estimate.informative ? '' : `; not informative yet, about ${read.estimate.power.visitorsStillNeeded ?? '?'} more visitors needed`;
  return `${counted}; revenue per visitor ${pct(u.estimate)} (95% interval ${pct(u.low)} to ${pct(u.high)}), planted ${pct(PLANTED_RPV_UPLIFT)} before the discount (these shoppers, after it: ${pct(realized)})${more}`;
}

/**
 * The bundle discount as the app measured it from the orders' discount allocations (GET /api/analytics/experiment),
 * beside the uplift it is already taken out of, and what the shoppers' orders actually got.
 */
function discountLine(planted: ShopperTotals, read: ExperimentRead): string {
  const money = (x: number) => new Intl.NumberFormat('en', {style: 'currency', currency: read.currency ?? 'USD'}).format(x);
  const signed = (x: number) => `${x >= 0 ? '+' : '-'}${money(Math.abs(x))}`;
  const {exposed, holdout} = read.bundleDiscount;
  const given = `bundle discount given: ${money(exposed.cost + holdout.cost)} in ${exposed.orders + holdout.orders} orders (${money(exposed.perVisitor)} per exposed visitor, ${money(holdout.perVisitor)} per held-out one)`;
  const sent = `the orders sent carried ${money(planted.discount.exposed + planted.discount.holdout)}`;
  const u = read.estimate.revenuePerVisitor?.absolute;
  if (!u) return `${given}; ${sent}`;
  return `${given}; uplift in revenue per visitor after it ${signed(u.estimate)} (95% interval ${signed(u.low)} to ${signed(u.high)}) against ${signed(exposed.perVisitor - holdout.perVisitor)} per visitor of extra discount; ${sent}`;
}

/** Products whose page shows the block: available, with a list in the store. */
function handlesWithBlock(standin: ShopifyStandin, products: StoreProduct[]): string[] {
  const withList = new Set(standin.metafields(SHOP).filter((m) => m.key === 'recommendations' && JSON.parse(m.value).length >= 2).map((m) => m.productId));
  return products.filter((p) => withList.has(p.id) && p.available && p.status === 'active' && !p.giftCard).slice(0, 60).map((p) => p.handle);
}

/** A product that has a list, to open first. */
function pickFeatured(standin: ShopifyStandin, products: StoreProduct[]): StoreProduct | undefined {
  const withList = new Set(standin.metafields(SHOP).filter((m) => JSON.parse(m.value).length >= 3).map((m) => m.productId));
  return products.find((p) => withList.has(p.id) && p.available && p.status === 'active') ?? products[0];
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`\npairwise demo: ${err.message}`);
  } else {
    console.error('\npairwise demo failed:', err instanceof Error ? err.message : err);
    if (process.env.DEBUG) console.error(err);
  }
  process.exit(1);
});


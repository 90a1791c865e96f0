import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {generateStore} from '../devkit/store-generator';
import type {StoreOrder} from '../devkit/store-generator';
import {seedShopFile} from '../devkit/seed';
import {startServerProcess} from '../devkit/server-process';
import type {ServerProcess} from '../devkit/server-process';
import {sessionToken} from '../devkit/session-token';
import {signProxyQuery} from '../devkit/storefront/sign';
import {trainerCommand} from '../devkit/trainer-command';
import {orderPayload, signedWebhook} from '../devkit/webhooks';
import {activeModelVersion} from '../storage/repos/model-serving';
import {openShopDb} from '../storage/open';
import type {ShopDomain} from '../storage/shop-domain';
import {REQUEST_TIMEOUT_MS, summarise, timed} from './latency';
import type {Latencies} from './latency';
import type {Bench, BenchRow} from './types';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const HEAVY = 'bench-heavy.myshopify.com' as ShopDomain;
const SMALL = 'bench-small.myshopify.com' as ShopDomain;
const WEBHOOKS_PER_S = 20;
const PROXY_PER_S = 50;

/** The trainer CLI in DB mode, as the server's training job runs it; stats mode (full is minutes on 300k orders). */
async function train(dataDir: string, shop: ShopDomain): Promise<void> {
  const trainer = spawn(...trainerCommand(['--shop', shop, '--data-dir', dataDir, '--model', 'stats']), {stdio: 'ignore'});
  const code = await new Promise<number | null>((resolve) => trainer.once('exit', resolve));
  if (code !== 0) throw new Error(`the trainer exited with ${code} for ${shop}`);
  const check = openShopDb(dataDir, shop);
  const version = activeModelVersion(check);
  check.close();
  if (version === null) throw new Error(`the trainer published no model for ${shop}`);
}

/**
 * Requests at a fixed rate for `seconds`, each started on schedule whether or not the previous one answered
 * (an open loop: a stalled server does not slow the sender down and hide its own stall).
 */
async function atRate(rate: number, seconds: number, send: (i: number) => Promise<boolean>): Promise<{failed: number}> {
  const n = Math.round(rate * seconds);
  const t0 = performance.now();
  const inFlight: Promise<void>[] = [];
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(i).then((ok) => void (ok || (failed += 1))));
  }
  await Promise.all(inFlight);
  return {failed};
}

/** The small shop's storefront and webhook traffic for one phase; returns its latencies. */
async function smallShopTraffic(server: ServerProcess, seconds: number, orders: StoreOrder[], anchors: number[]) {
  const hookMs: number[] = [];
  const proxyMs: number[] = [];
  const [hooks, proxy] = await Promise.all([
    atRate(WEBHOOKS_PER_S, seconds, () => {
      const order = orders.shift();
      if (!order) throw new Error('ran out of new orders for the small shop');
      const d = signedWebhook({topic: 'orders/create', shop: SMALL, secret: server.secret, body: orderPayload(order)});
      return timed(`${server.url}/webhooks`, {method: 'POST', headers: d.headers, body: d.body}, (s) => s === 200, hookMs);
    }),
    atRate(PROXY_PER_S, seconds, (i) => {
      const query = signProxyQuery(new URLSearchParams({products: String(anchors[i % anchors.length])}), {shop: SMALL, secret: server.secret, pathPrefix: '/apps/pairwise'});
      return timed(`${server.url}/proxy/recommendations?${query}`, {}, (s) => s === 200, proxyMs);
    }),
  ]);
  return {webhook: summarise(hookMs, hooks.failed), proxy: summarise(proxyMs, proxy.failed)};
}

/**
 * Starts the heavy shop's merchant at work (bench/heavy-admin.ts) in a process of its own: its Insights, search
 * and settings loops have their own client event loop, so the small shop's requests, timed in this process, do
 * not queue behind the heavy admin's responses here. Resolves once its loops run; `stop` ends them and gives
 * their latencies.
 */
async function startHeavyAdmin(server: ServerProcess, searchWords: string[]): Promise<{stop(): Promise<{settings: Latencies; insights: Latencies; search: Latencies}>}> {
  const config = JSON.stringify({url: server.url, apiKey: server.apiKey, secret: server.secret, shop: HEAVY, searchWords});
  const driver = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'heavy-admin.ts'), config], {stdio: ['pipe', 'pipe', 'inherit']});
  const exited = new Promise<number | null>((resolve) => driver.once('exit', resolve));
  const lines = createInterface({input: driver.stdout})[Symbol.asyncIterator]();
  const first = await Promise.race([lines.next(), exited.then(() => null)]);
  if (first?.value !== 'started') throw new Error('the heavy-admin driver did not start');
  return {
    async stop() {
      driver.stdin.end('stop\n');
      const result = await lines.next();
      const code = await exited;
      if (code !== 0 || result.done) throw new Error(`the heavy-admin driver exited with ${code}`);
      return JSON.parse(result.value);
    },
  };
}

const ms = (n: number) => `${n.toFixed(n >= 100 ? 0 : 1)} ms`;
const brief = (l: Latencies) => `p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, max ${ms(l.max)}, ${l.count} calls${l.failed ? `, ${l.failed} failed or cut at ${REQUEST_TIMEOUT_MS / 1000} s (then the figures are lower bounds)` : ''}`;

/**
 * One process serving two shops: a small shop's webhooks and storefront requests at a steady rate, alone and
 * then while a heavy shop's merchant saves settings (republishing every list), opens Insights and searches in
 * a loop. The small shop's latency should not notice the heavy one (issue [H]).
 */
export const benchIsolation: Bench = async ({quick}) => {
  const seconds = quick ? 5 : 10;
  const heavySize = quick ? {products: 10_000, orders: 60_000} : {products: 50_000, orders: 300_000};
  const dataDir = mkdtempSync(join(tmpdir(), 'pw-bench-isolation-'));
  let server: ServerProcess | undefined;
  try {
    const t0 = performance.now();
    const heavy = generateStore({seed: 11, ...heavySize});
    seedShopFile(dataDir, HEAVY, heavy).close();
    // The small shop: its first 300 orders are history, the rest arrive as webhooks during the run.
    const smallStore = generateStore({seed: 12, products: 300, orders: 300 + 2 * (WEBHOOKS_PER_S * seconds + 20)});
    const smallOrders = [...smallStore.orders()];
    seedShopFile(dataDir, SMALL, {products: smallStore.products, orders: function* () {
      yield* smallOrders.slice(0, 300);
    }}).close();
    const seededS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await train(dataDir, SMALL);
    await train(dataDir, HEAVY);
    const trainedS = (performance.now() - t1) / 1000;
    const newOrders = smallOrders.slice(300);
    const anchors = smallStore.products.filter((p) => p.status === 'active' && p.available && !p.giftCard).map((p) => p.id);
    const searchWords = [...new Set(heavy.products.slice(0, 50).map((p) => p.title.split(/\s+/)[0].toLowerCase()))];

    // PAIRWISE_BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile of the run there when the bench ends.
    const profiled: Record<string, string> = process.env.PAIRWISE_BENCH_CPU_PROF ? {NODE_OPTIONS: `--import=${join(process.cwd(), 'bench', 'cpu-profile.mjs')}`} : {};
    server = await startServerProcess({dataDir, env: profiled});
    // Warm-up (JIT, both shops' files and models, the read threads' code and handles) without recording.
    await smallShopTraffic(server, 1, newOrders, anchors);
    for (const [shop, path] of [[SMALL, '/api/products?query='], [HEAVY, '/api/insights'], [HEAVY, '/api/products?query=a']] as const) {
      const auth = {Authorization: `Bearer ${await sessionToken({shop, apiKey: server.apiKey, secret: server.secret})}`};
      const res = await fetch(`${server.url}${path}`, {headers: auth});
      if (res.status !== 200) throw new Error(`warm-up ${path} for ${shop} answered ${res.status}`);
    }
    const reference = await smallShopTraffic(server, seconds, newOrders, anchors);
    const referenceLoad = loadavg()[0];

    const admin = await startHeavyAdmin(server, searchWords);
    // Let the first republish start before the small shop's traffic does.
    await new Promise((r) => setTimeout(r, 500));
    const loaded = await smallShopTraffic(server, seconds, newOrders, anchors);
    const loadedLoad = loadavg()[0];
    const heavyCalls = await admin.stop();
    // The machine may be shared: its 1-minute load average beside each phase's figures.
    const machine = `load average ${referenceLoad.toFixed(2)} alone, ${loadedLoad.toFixed(2)} beside the heavy admin`;

    const log = server.stderr;
    const republishFailures = (log.match(/metafield republish failed/g) ?? []).length;
    if (server.pid < 0) throw new Error('the server is gone');
    const alive = await fetch(`${server.url}/api/status`).then(() => true, () => false);
    if (!alive) throw new Error(`the server stopped answering: ${log.slice(-2000)}`);
    const heavyNote = `heavy shop ${heavySize.products} products / ${heavySize.orders} orders (stats model; seeded in ${seededS.toFixed(0)} s, trained in ${trainedS.toFixed(0)} s): `
      + `PUT /api/settings ${brief(heavyCalls.settings)}; GET /api/insights ${brief(heavyCalls.insights)}; GET /api/products?query ${brief(heavyCalls.search)}; `
      + `each PUT queued a republish of every list: ${heavyCalls.settings.count} queued, ${republishFailures} computed and ended at the missing offline session by the end (as expected with no Shopify)`;
    const rows: BenchRow[] = [
      {
        name: `small shop webhook p99 beside a heavy admin (${WEBHOOKS_PER_S}/s, ${seconds} s)`,
        value: loaded.webhook.p99, unit: 'ms', reference: reference.webhook.p99, referenceName: 'small shop alone p99 ms',
        ratio: loaded.webhook.p99 / Math.max(reference.webhook.p99, 0.001), target: '<= 50 ms',
        note: `loaded ${brief(loaded.webhook)}; alone ${brief(reference.webhook)}; ${machine}`,
      },
      {
        name: `small shop proxy p99 beside a heavy admin (${PROXY_PER_S}/s, ${seconds} s)`,
        value: loaded.proxy.p99, unit: 'ms', reference: reference.proxy.p99, referenceName: 'small shop alone p99 ms',
        ratio: loaded.proxy.p99 / Math.max(reference.proxy.p99, 0.001), target: '<= 20 ms',
        note: `loaded ${brief(loaded.proxy)}; alone ${brief(reference.proxy)}; ${machine}; ${heavyNote}`,
      },
      // The heavy shop's own merchant ([T]): at 50k products, twice the 10k targets.
      {
        name: `heavy shop Insights p99 (${heavySize.products} products)`, value: heavyCalls.insights.p99, unit: 'ms',
        target: `<= ${quick ? 300 : 600} ms`, note: `${brief(heavyCalls.insights)}; ${machine}`,
      },
      {
        name: `heavy shop product search p99 (${heavySize.products} products)`, value: heavyCalls.search.p99, unit: 'ms',
        target: `<= ${quick ? 100 : 200} ms`, note: `${brief(heavyCalls.search)}; ${machine}`,
      },
    ];
    return rows;
  } finally {
    if (server && process.env.PAIRWISE_BENCH_CPU_PROF) {
      process.kill(server.pid, 'SIGUSR2');
      await new Promise((r) => setTimeout(r, 3000));
    }
    await server?.close();
    rmSync(dataDir, {recursive: true, force: true});
  }
};

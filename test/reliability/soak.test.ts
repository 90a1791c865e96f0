import {readFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../devkit/store-generator';
import {openAppDb, openShopDb} from '../../storage/open';
import {shopsRepo} from '../../storage/repos/shops';
import type {ShopDomain} from '../../storage/shop-domain';
import {startServerProcess} from '../../devkit/server-process';
import type {ServerProcess} from '../../devkit/server-process';
import {sessionToken} from '../../devkit/session-token';
import {signProxyQuery} from '../../devkit/storefront/sign';
import {orderPayload, sendWebhook, signedWebhook} from '../../devkit/webhooks';
import {pid, seedStore} from '../server/api/fixture';
import {sized} from './mode';

const SHOP = 'soak.myshopify.com' as ShopDomain;
const BASE = 6000;
const DURATION_MS = sized(15_000, 120_000);
/** Load is measured against memory only after this: start-up allocations and caches are not growth. */
const WARMUP_MS = sized(5_000, 30_000);
/** One tick sends a webhook and two proxy calls, an admin call every 2nd tick, an event batch every 4th. */
const TICK_MS = sized(100, 50);
/** More than this many requests in flight means the server is not keeping up: stop adding, count it. */
const MAX_IN_FLIGHT = 100;

/** Resident set size of a process, from /proc (Linux), in bytes. */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

let server: ServerProcess | undefined;
let dataDir: string;
afterAll(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, {recursive: true, force: true});
});

describe('soak', () => {
  it(`serves ${DURATION_MS / 1000} s of mixed webhooks, proxy and admin calls with no error and flat memory`, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pairwise-soak-'));
    const appDb = openAppDb(dataDir);
    shopsRepo(appDb).ensure(SHOP);
    appDb.close();
    const db = openShopDb(dataDir, SHOP);
    seedStore(db, BASE);
    db.close();
    server = await startServerProcess({dataDir});
    const s = server;
    const orders = generateStore({seed: 41, orders: 100_000, products: 500}).orders();

    const proxyUrl = (path: string, products: string) =>
      `${s.url}/proxy/${path}?${signProxyQuery(new URLSearchParams({products}), {shop: SHOP, secret: s.secret, pathPrefix: '/apps/pairwise'})}`;
    const adminPaths = ['/api/status', '/api/products', '/api/analytics', '/api/insights', '/api/training', '/api/settings'];
    const errors: string[] = [];
    const latencies: number[] = [];
    const start = performance.now();
    let inFlight = 0;
    let skipped = 0;
    let sent = 0;
    const track = (what: string, request: () => Promise<Response>) => {
      inFlight++;
      sent++;
      const t0 = performance.now();
      request()
        .then(async (res) => {
          await res.arrayBuffer();
          // Latency is reported for requests sent after warm-up (cold JIT on a shared machine is not the steady state).
          if (t0 - start >= WARMUP_MS) latencies.push(performance.now() - t0);
          if (res.status >= 300) errors.push(`${what}: ${res.status}`);
        }, (err: unknown) => errors.push(`${what}: ${String(err)}`))
        .finally(() => inFlight--);
    };

    const samples: {at: number; rss: number}[] = [];
    for (let tick = 0; performance.now() - start < DURATION_MS; tick++) {
      if (inFlight > MAX_IN_FLIGHT) {
        skipped++;
      } else {
        const order = orders.next().value!;
        track('webhook', () => sendWebhook(`${s.url}/webhooks`, signedWebhook({topic: 'orders/create', shop: SHOP, secret: s.secret, body: orderPayload(order)})));
        track('proxy', () => fetch(proxyUrl('recommendations', String(pid(BASE, 1 + (tick % 7))))));
        track('proxy cart', () => fetch(proxyUrl('recommendations', `${pid(BASE, 6)},${pid(BASE, 5)}`)));
        if (tick % 2 === 0) {
          const path = adminPaths[(tick / 2) % adminPaths.length];
          track('admin', async () => fetch(s.url + path, {headers: {authorization: `Bearer ${await sessionToken({shop: SHOP, apiKey: s.apiKey, secret: s.secret})}`}}));
        }
        if (tick % 4 === 0) {
          const body = JSON.stringify({events: [{type: 'viewed', block: 'fbt', anchor: pid(BASE, 1), product: pid(BASE, 2)}]});
          track('events', () => fetch(proxyUrl('events', String(pid(BASE, 1))), {method: 'POST', body}));
        }
      }
      if (tick % 5 === 0) samples.push({at: performance.now() - start, rss: rssOf(s.pid)});
      const next = start + (tick + 1) * TICK_MS;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    samples.push({at: performance.now() - start, rss: rssOf(s.pid)});

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const atWarmup = median(samples.filter((x) => x.at >= WARMUP_MS && x.at < WARMUP_MS + 3000).map((x) => x.rss));
    const atEnd = median(samples.filter((x) => x.at >= DURATION_MS - 3000).map((x) => x.rss));
    const growth = (atEnd - atWarmup) / atWarmup;
    const sorted = [...latencies].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    console.info(
      `soak: ${sent} requests in ${(DURATION_MS / 1000).toFixed(0)} s (${(sent / (DURATION_MS / 1000)).toFixed(0)}/s), ` +
      `${errors.length} errors, ${skipped} ticks skipped, after warm-up p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms, ` +
      `RSS ${(atWarmup / 2 ** 20).toFixed(1)} -> ${(atEnd / 2 ** 20).toFixed(1)} MiB (${(growth * 100).toFixed(1)}%)`,
    );
    expect(errors.slice(0, 10)).toEqual([]);
    expect(sent).toBeGreaterThan((DURATION_MS / TICK_MS) * 2);
    expect(growth).toBeLessThan(0.1);
    expect(s.stderr).not.toMatch(/"level":"error"/);
  }, DURATION_MS + 120_000);
});

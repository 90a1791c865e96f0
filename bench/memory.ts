import {copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {generateStore} from '../devkit/store-generator';
import {seedShopFile} from '../devkit/seed';
import {startServerProcess} from '../devkit/server-process';
import {signProxyQuery} from '../devkit/storefront/sign';
import {openAppDb, shopDbPath} from '../storage/open';
import {modelWriter} from '../storage/repos/model-writer';
import type {ModelPairRow} from '../storage/repos/model-writer';
import {shopsRepo} from '../storage/repos/shops';
import {trainRunsRepo} from '../storage/repos/train-runs';
import type {ShopDomain} from '../storage/shop-domain';
import type {Bench, BenchRow} from './types';
import {DEFAULT_MODEL_CACHE_MB} from '../server/config';

const COMPANIONS = 20;
/** Requests in flight at once across the rotation: a few storefronts asking together. */
const CONCURRENCY = 4;

const domain = (i: number) => `bench-memory-${i}.myshopify.com` as ShopDomain;

/** Resident and peak resident memory of a process, from Linux's /proc (MiB). */
function memoryOf(pid: number): {rss: number; peak: number} {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return {rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024};
}

/**
 * One shop of `products` products whose every sellable product has a full list of 20 companions (the largest
 * model the storefront holds for that catalogue), written as the trainer publishes; then the file copied
 * under `shops` domains, each installed in app.db.
 */
function seedShops(dataDir: string, shops: number, products: number): number[] {
  const store = generateStore({seed: 21, products, orders: 2_000});
  const db = seedShopFile(dataDir, domain(0), store);
  const sellable = store.products.filter((p) => p.status === 'active' && p.available && !p.giftCard).map((p) => p.id);
  function* pairs(): Generator<ModelPairRow> {
    for (const [i, productId] of sellable.entries()) {
      for (let r = 1; r <= COMPANIONS; r++) {
        yield {productId, rank: r, companionId: sellable[(i + r * 13) % sellable.length], score: 1 / r, source: 'copurchase', count: 3, support: 0.001,
          confidence: 0.3, lift: 2, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null};
      }
    }
  }
  modelWriter(db).publish({kind: 'model', backend: 'cpu', report: {}, pairs: pairs(), bundles: [], communities: [], runId: trainRunsRepo(db).start()});
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const appDb = openAppDb(dataDir);
  try {
    for (let i = 1; i < shops; i++) {
      copyFileSync(shopDbPath(dataDir, domain(0)), shopDbPath(dataDir, domain(i)));
      shopsRepo(appDb).ensure(domain(i));
    }
  } finally {
    appDb.close();
  }
  return sellable;
}

/**
 * `shops` shops of `products` products each, their storefronts asked in rotation through one real server
 * process with the default model cache bound: the server's resident memory (and its peak) beside the same
 * server's idle memory, the reference. Issue [H]: 200 shops of 20k products stay under 1 GiB.
 */
export const benchMemory: Bench = async ({quick}) => {
  const shops = quick ? 40 : 200;
  const products = 20_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'pw-bench-memory-'));
  const server = {current: undefined as Awaited<ReturnType<typeof startServerProcess>> | undefined};
  try {
    const t0 = performance.now();
    const anchors = seedShops(dataDir, shops, products);
    const seededS = (performance.now() - t0) / 1000;
    const s = (server.current = await startServerProcess({dataDir}));
    await fetch(`${s.url}/api/status`).catch(() => undefined);
    const idle = memoryOf(s.pid);

    let next = 0;
    const failures: string[] = [];
    let empty = 0;
    const t1 = performance.now();
    const asker = async () => {
      for (let i = next++; i < shops; i = next++) {
        const query = signProxyQuery(new URLSearchParams({products: String(anchors[(i * 97) % anchors.length])}), {shop: domain(i), secret: s.secret, pathPrefix: '/apps/pairwise'});
        const res = await fetch(`${s.url}/proxy/recommendations?${query}`, {signal: AbortSignal.timeout(60_000)}).catch(() => null);
        const body = res?.status === 200 ? ((await res.json()) as {products?: unknown[]}) : null;
        if (!body) failures.push(res ? String(res.status) : 'no answer');
        else if (!body.products?.length) empty += 1;
      }
    };
    await Promise.all(Array.from({length: CONCURRENCY}, asker));
    const servedS = (performance.now() - t1) / 1000;
    const after = memoryOf(s.pid);
    const note = `${shops} shops of ${products} products (${anchors.length} lists of ${COMPANIONS}), each asked once in rotation, ${CONCURRENCY} at a time, `
      + `in ${servedS.toFixed(0)} s (${((servedS / shops) * 1000).toFixed(0)} ms a shop: each is a model load, as the cache holds a few); ${failures.length} failed${failures.length ? ` (${[...new Set(failures)].join(', ')})` : ''}, ${empty} answered an empty list (the anchor's cart price cap);  `
      + `seeded in ${seededS.toFixed(0)} s; default model cache bound (PAIRWISE_MODEL_CACHE_MB ${DEFAULT_MODEL_CACHE_MB})`;
    const rows: BenchRow[] = [
      {name: `server RSS after ${shops} shops in rotation`, value: after.rss, unit: 'MiB', reference: idle.rss, referenceName: 'idle server RSS MiB', ratio: after.rss / idle.rss, target: '<= 1024 MiB', note},
      {name: `server peak RSS (VmHWM) over the rotation`, value: after.peak, unit: 'MiB', reference: idle.peak, referenceName: 'idle server peak MiB', ratio: after.peak / idle.peak, target: '<= 1024 MiB'},
    ];
    return rows;
  } finally {
    await server.current?.close();
    rmSync(dataDir, {recursive: true, force: true});
  }
};

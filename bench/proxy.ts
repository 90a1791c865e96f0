import {spawn} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import autocannon from 'autocannon';
import {generateStore} from '../devkit/store-generator';
import {activeModelVersion} from '../storage/repos/model-serving';
import type {ShopDomain} from '../storage/shop-domain';
import {openShopDb} from '../storage/open';
import {seedShopFile} from '../devkit/seed';
import {freePort, startServerProcess} from '../devkit/server-process';
import {signProxyQuery} from '../devkit/storefront/sign';
import {trainerCommand} from '../devkit/trainer-command';
import type {Bench, BenchRow} from './types';

const SHOP = 'bench-proxy.myshopify.com' as ShopDomain;
const RATE = 1000;
const CONNECTIONS = 16;

/** A store with a model trained from its own orders (the trainer's DB mode), as a live shop would have. */
async function seedShop(dataDir: string): Promise<{anchors: number[]}> {
  const store = generateStore({seed: 3, orders: 20_000, products: 2_000});
  seedShopFile(dataDir, SHOP, store).close();
  // The trainer CLI in DB mode, as the server's training job runs it (its progress lines stay out of the table).
  const trainer = spawn(...trainerCommand(['--shop', SHOP, '--data-dir', dataDir, '--model', 'stats']), {stdio: 'ignore'});
  const code = await new Promise<number | null>((resolve) => trainer.once('exit', resolve));
  if (code !== 0) throw new Error(`the trainer exited with ${code}`);
  const check = openShopDb(dataDir, SHOP);
  const version = activeModelVersion(check);
  check.close();
  if (version === null) throw new Error('the trainer published no model');
  const sellable = store.products.filter((p) => p.status === 'active' && p.available && !p.giftCard);
  return {anchors: sellable.slice(0, 200).map((p) => p.id)};
}

/** The reference: a bare Express route answering a fixed JSON list, in a child process like the server. */
async function startBareExpress(): Promise<{url: string; child: ChildProcess}> {
  const port = await freePort();
  const script = `
    import express from 'express';
    const app = express();
    const body = {products: Array.from({length: 4}, (_, i) => ({id: 7000000000000 + i, handle: 'product-' + i, score: 1 / (i + 1), pinned: false}))};
    app.get('/proxy/recommendations', (_req, res) => res.json(body));
    app.listen(${port}, '127.0.0.1', () => console.log('listening'));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit']});
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare express exited (${code})`)));
  });
  return {url: `http://127.0.0.1:${port}`, child};
}

async function load(url: string, paths: string[], seconds: number, rate = RATE): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    overallRate: rate,
    duration: seconds,
    requests: paths.map((path) => ({method: 'GET', path})),
  });
}

/**
 * `GET /proxy/recommendations` of the real server (child process, signature check, model cache, curation and
 * availability filters) at a fixed 1,000 requests/s over loopback, next to a bare Express route returning a
 * constant list under the same load: the difference is what Pairwise adds per storefront request.
 */
export const benchProxy: Bench = async ({quick}) => {
  const seconds = quick ? 5 : 20;
  const dataDir = mkdtempSync(join(tmpdir(), 'pw-bench-proxy-'));
  const {anchors} = await seedShop(dataDir);
  // PAIRWISE_BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile of the run there when it exits.
  const profiled: Record<string, string> = process.env.PAIRWISE_BENCH_CPU_PROF ? {NODE_OPTIONS: `--import=${join(process.cwd(), 'bench', 'cpu-profile.mjs')}`} : {};
  const server = await startServerProcess({dataDir, env: profiled});
  const bare = await startBareExpress();
  try {
    // Signed just before the run: the signature is valid for 90 s, longer than the run.
    const paths = anchors.map((id, i) => {
      const products = i % 4 === 3 ? `${id},${anchors[(i + 7) % anchors.length]}` : String(id);
      return `/proxy/recommendations?${signProxyQuery(new URLSearchParams({products}), {shop: SHOP, secret: server.secret, pathPrefix: '/apps/pairwise'})}`;
    });
    // Warm both (JIT, model cache) before measuring.
    await load(server.url, paths, 2);
    await load(bare.url, ['/proxy/recommendations'], 2);
    const app = await load(server.url, paths, seconds);
    const ref = await load(bare.url, ['/proxy/recommendations'], seconds);
    // The same at a quarter of the rate: latency when a small machine is not saturated.
    const light = await load(server.url, paths, seconds / 2, RATE / 4);
    const lightRef = await load(bare.url, ['/proxy/recommendations'], seconds / 2, RATE / 4);
    const note = (r: autocannon.Result) => `${Math.round(r.requests.average)} req/s achieved, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`;
    // The target ([M]): each figure at most 1.5x the bare route's in the same run.
    const row = (name: string, value: number, reference: number, extra: string): BenchRow => ({
      name, value, unit: 'ms', reference, referenceName: 'bare Express ms', ratio: value / Math.max(reference, 0.001), target: '<= 1.5x bare', note: extra,
    });
    const rows: BenchRow[] = [
      row(`app proxy p50 (${RATE} req/s, ${seconds} s)`, app.latency.p50, ref.latency.p50, note(app)),
      row(`app proxy p99 (${RATE} req/s, ${seconds} s)`, app.latency.p99, ref.latency.p99, `bare Express: ${note(ref)}`),
      row(`app proxy p50 (${RATE / 4} req/s, ${seconds / 2} s)`, light.latency.p50, lightRef.latency.p50, note(light)),
      row(`app proxy p99 (${RATE / 4} req/s, ${seconds / 2} s)`, light.latency.p99, lightRef.latency.p99, `bare Express: ${note(lightRef)}`),
    ];
    return rows;
  } finally {
    if (process.env.PAIRWISE_BENCH_CPU_PROF) {
      process.kill(server.pid, 'SIGUSR2');
      await new Promise((r) => setTimeout(r, 3000));
    }
    bare.child.kill('SIGKILL');
    await server.close();
    rmSync(dataDir, {recursive: true, force: true});
  }
};

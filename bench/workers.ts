import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {generateStore} from '../devkit/store-generator';
import {seedShopFile} from '../devkit/seed';
import {trainerEntry} from '../server/jobs/trainer-bundle';
import type {ShopDomain} from '../storage/shop-domain';
import {REDIS_SERVER, RedisServer, startWorkerApp, WorkerProcess} from '../devkit/workers';
import type {BenchOptions, BenchRow} from './types';

/**
 * Trainings on BullMQ workers ([L]) on this machine, all on 127.0.0.1: a real redis-server, the app with
 * PAIRWISE_QUEUE, 1 and then 2 worker processes (`--threads 1` each, the full model) training the same small
 * shops; shops per minute with each. Then the remote path's overhead (begin, input download, upload, checks,
 * import) against training the same shop in DB mode: median wall time of one shop, interleaved runs.
 */

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function dbModeSeconds(dataDir: string, shop: ShopDomain): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [trainerEntry(), '--shop', shop, '--data-dir', dataDir, '--threads', '1'], {stdio: 'ignore'});
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`trainer exit ${code}`)))));
}

export async function benchWorkers(opts: BenchOptions): Promise<BenchRow[]> {
  if (!REDIS_SERVER) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const count = opts.quick ? 10 : 50;
  const dataDir = mkdtempSync(join(tmpdir(), 'pairwise-bench-workers-'));
  const shops = Array.from({length: count}, (_, i) => `bench-worker-${i}.myshopify.com` as ShopDomain);
  shops.forEach((shop, i) => seedShopFile(dataDir, shop, generateStore({seed: i + 1, orders: 200, products: 30})).close());
  const redis = await RedisServer.start();
  const app = await startWorkerApp({queueUrl: redis.url, dataDir});
  const rows: BenchRow[] = [];
  try {
    const perMinute: Record<number, number> = {};
    for (const n of [1, 2]) {
      const workers = Array.from({length: n}, (_, i) => new WorkerProcess(`bench-${n}-${i}`, app, redis.url, {model: 'full'}));
      await Promise.all(workers.map((w) => w.ready()));
      const t0 = performance.now();
      for (const shop of shops) app.services.training.start(shop);
      await Promise.all(shops.map((shop) => app.services.training.done(shop)));
      perMinute[n] = count / ((performance.now() - t0) / 60_000);
      await Promise.all(workers.map((w) => w.stop()));
    }
    rows.push({name: `workers: 1 worker, ${count} shops of 200 orders`, value: perMinute[1], unit: 'shops/min'});
    rows.push({
      name: `workers: 2 workers, ${count} shops of 200 orders`,
      value: perMinute[2],
      unit: 'shops/min',
      reference: perMinute[1],
      referenceName: '1 worker',
      ratio: perMinute[2] / perMinute[1],
      note: 'both workers share this machine\'s cores with the app and Redis',
    });

    // One shop, remote end to end against DB mode, interleaved so drift in the machine's load hits both.
    const worker = new WorkerProcess('bench-overhead', app, redis.url, {model: 'full'});
    await worker.ready();
    const remote: number[] = [];
    const local: number[] = [];
    for (let i = 0; i < (opts.quick ? 3 : 5); i++) {
      const shop = shops[i];
      const t0 = performance.now();
      app.services.training.start(shop);
      await app.services.training.done(shop);
      remote.push((performance.now() - t0) / 1000);
      local.push(await dbModeSeconds(dataDir, shop));
    }
    await worker.stop();
    rows.push({name: 'workers: one shop in DB mode (trainer --shop)', value: median(local), unit: 's'});
    rows.push({
      name: 'workers: the same shop on a worker, end to end',
      value: median(remote),
      unit: 's',
      reference: median(local),
      referenceName: 's in DB mode',
      ratio: median(remote) / median(local),
      note: `remote-path overhead ${(median(remote) - median(local)).toFixed(2)} s (queue, fetch, upload, checks, import)`,
    });
  } finally {
    await app.close();
    await redis.stop();
    rmSync(dataDir, {recursive: true, force: true});
  }
  return rows;
}

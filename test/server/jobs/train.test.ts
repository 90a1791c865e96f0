import {mkdtempSync, readFileSync, readdirSync} from 'node:fs';
import {getPriority, setPriority, tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {createInProcessQueue} from '../../../server/jobs/queue-in-process';
import {TRAINER_NICENESS, createTraining} from '../../../server/jobs/train';
import {openAppDb, openShopDb} from '../../../storage/open';
import {activeModelVersion} from '../../../storage/repos/model-serving';
import {adminModelReads} from '../../../storage/repos/model-admin';
import {ordersRepo} from '../../../storage/repos/orders';
import {trainingQueueRepo} from '../../../storage/repos/training-queue';
import type {ShopDomain} from '../../../storage/shop-domain';

const SHOP = 'job-store.myshopify.com' as ShopDomain;
const dataDir = mkdtempSync(join(tmpdir(), 'pairwise-job-'));
const db = openShopDb(dataDir, SHOP);
const appDb = openAppDb(dataDir);
afterAll(() => {
  db.close();
  appDb.close();
});

const published: string[] = [];
const log = () => {};
const queue: Parameters<typeof createTraining>[0]['queue'] = (run) => createInProcessQueue({store: trainingQueueRepo(appDb), concurrency: 1, run, log});
const training = createTraining({dataDir, log, queue, published: async (shop) => void published.push(shop)});

db.transaction(() => {
  const orders = ordersRepo(db);
  for (let o = 1; o <= 200; o++) {
    const at = new Date(Date.UTC(2024, 0, 1) + o * 3_600_000).toISOString();
    const products = [1 + (o % 7), 1 + ((o * 3) % 11), 20 + (o % 3)];
    orders.upsert({
      orderId: o, name: null, createdAt: at, updatedAt: at, cancelledAt: null, currency: null, totalPrice: null, customerHash: null, source: 'demo',
      lines: products.map((p, l) => ({lineId: l + 1, productId: p, variantId: null, quantity: 1, price: 1, pairwiseBlock: null, pairwiseAnchor: null})),
    });
  }
})();

describe('training job', () => {
  it('runs the trainer as a child process, one run per shop, and records its progress', async () => {
    const first = training.start(SHOP);
    expect(first.started).toBe(true);
    expect(training.start(SHOP)).toEqual({started: false, reason: expect.stringContaining('already')});
    await training.done(SHOP);
    const run = adminModelReads(db).runs(1)[0];
    expect(run).toMatchObject({id: first.started && first.runId, status: 'published', progress: 1, stage: 'done'});
    expect(run.version).toBe(activeModelVersion(db));
    // What follows a publish (the metafields) has run by the time the run is done.
    expect(published).toEqual([SHOP]);
  }, 60_000);

  it.skipIf(process.platform !== 'linux')('runs the trainer below the server\'s own priority, every one of its threads', async () => {
    // A server started with `nice 5`: its trainer goes to 15, not to an absolute 10 that would raise it above the server.
    setPriority(Math.max(getPriority(), 5));
    const r = training.start(SHOP);
    expect(r.started).toBe(true);
    // The niceness of each thread of the trainer's process, found by its run id in /proc (field 19 of a task's stat).
    const threads = (): number[] => {
      for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        let args: string[];
        try {
          args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        } catch {
          continue; // exited meanwhile
        }
        // This test's trainer: its run id and its data dir (parallel test files run trainers with the same run ids).
        if (!args.includes('--run-id') || args[args.indexOf('--run-id') + 1] !== String(r.started && r.runId)) continue;
        if (args[args.indexOf('--data-dir') + 1] !== dataDir) continue;
        try {
          return readdirSync(`/proc/${pid}/task`).map((t) => Number(readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8').split(') ')[1].split(' ')[16]));
        } catch {
          return [];
        }
      }
      return [];
    };
    let seen: number[] = [];
    for (let i = 0; i < 200 && seen.length < 2; i++) {
      seen = threads();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await training.done(SHOP);
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set([Math.min(19, getPriority() + TRAINER_NICENESS)]));
  }, 60_000);

  it('marks the run failed when the trainer dies, and the old model stays active', async () => {
    const before = activeModelVersion(db);
    const faulty = createTraining({dataDir, log, queue, env: {PAIRWISE_TRAINER_FAULT: 'kill-before-flip'}, published: async (shop) => void published.push(shop)});
    published.length = 0;
    const r = faulty.start(SHOP);
    await faulty.done(SHOP);
    const run = adminModelReads(db).runs(1)[0];
    expect(run).toMatchObject({id: r.started && r.runId, status: 'failed'});
    expect(run.error).toContain('SIGKILL');
    expect(activeModelVersion(db)).toBe(before);
    expect(published).toEqual([]);
  }, 60_000);
});

import {mkdtempSync, readFileSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {scheduleTick} from '../../../server/jobs/schedule';
import {adminModelReads} from '../../../storage/repos/model-admin';
import {ordersRepo} from '../../../storage/repos/orders';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {ShopDomain} from '../../../storage/shop-domain';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {call} from '../api/harness';

/** An installed shop with enough orders for the trainer to publish a model. */
function seedShop(app: TestApp, name: string): ShopDomain {
  const shop = parseShopDomain(`${name}.myshopify.com`)!;
  shopsRepo(app.services.appDb).recordInstall(shop, 'read_orders');
  const db = app.services.shopDbs.get(shop);
  db.transaction(() => {
    for (let o = 1; o <= 60; o++) {
      const at = new Date(Date.now() - 10 * 86_400_000 + o * 3_600_000).toISOString();
      const products = [1 + (o % 5), 1 + ((o * 3) % 7), 10 + (o % 3)];
      ordersRepo(db).upsert({
        orderId: o, name: null, createdAt: at, updatedAt: at, cancelledAt: null, currency: null, totalPrice: null, customerHash: null, source: 'demo',
        lines: products.map((p, l) => ({lineId: l + 1, productId: p, variantId: null, quantity: 1, price: 1, pairwiseBlock: null, pairwiseAnchor: null})),
      });
    }
  })();
  return shop;
}

/** Pids of the live trainer processes this server started on this data folder, found in /proc. */
function trainers(dataDir: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args.includes('--run-id') && args[args.indexOf('--data-dir') + 1] === dataDir) pids.push(Number(pid));
    } catch {
      // exited meanwhile
    }
  }
  // Children of this process (the server) only: a trainer's own fork, before it execs (ldconfig), shows the same
  // command line; and one scan takes a while, so a trainer that ended during it is left out.
  return pids.filter((pid) => {
    try {
      const [state, ppid] = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return state !== 'Z' && Number(ppid) === process.pid;
    } catch {
      return false;
    }
  });
}

const lastRun = (app: TestApp, shop: ShopDomain) => adminModelReads(app.services.shopDbs.get(shop)).runs(1)[0];

describe.skipIf(process.platform !== 'linux')('training queue', () => {
  it('20 shops due at once: at most the cap train together, and every one finishes', async () => {
    const app = await startTestApp({trainingConcurrency: 2, onInstalled: () => {}});
    try {
      const shops = Array.from({length: 20}, (_, i) => seedShop(app, `due-${String(i).padStart(2, '0')}`));
      const {retrained} = scheduleTick(app.services);
      expect(retrained).toHaveLength(20);
      let most = 0;
      const watch = setInterval(() => void (most = Math.max(most, trainers(app.dataDir).length)), 20);
      await Promise.all(shops.map((s) => app.services.training.done(s)));
      clearInterval(watch);
      expect(most).toBe(2);
      for (const shop of shops) expect(lastRun(app, shop)).toMatchObject({status: 'published'});
    } finally {
      await app.close();
    }
  }, 240_000);

  it('shows the queue position, refuses a second entry, and a restarted server runs what was queued or interrupted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pairwise-queue-'));
    const first = await startTestApp({dataDir, trainingConcurrency: 1, onInstalled: () => {}});
    const [a, b, c] = ['first-in', 'second-in', 'third-in'].map((n) => seedShop(first, n));
    expect(first.services.training.start(a)).toMatchObject({started: true});
    expect(first.services.training.start(b)).toMatchObject({started: false, queued: true, ahead: 0});
    expect((await call(first, c, 'POST', '/api/training')).json).toMatchObject({queued: true, ahead: 1, queue: {state: 'queued', ahead: 1}});
    expect((await call(first, c, 'GET', '/api/training')).json.queue).toEqual({state: 'queued', ahead: 1});
    expect((await call(first, a, 'GET', '/api/training')).json.queue).toEqual({state: 'running'});
    // A shop cannot queue twice, through the api or the schedule's entry point.
    const again = await call(first, c, 'POST', '/api/training');
    expect(again.status).toBe(409);
    expect(first.services.training.start(b)).toEqual({started: false, reason: expect.stringContaining('already queued')});

    // The server stops with a trainer running (killed with it) and two shops waiting.
    let pids: number[] = [];
    for (let i = 0; i < 200 && pids.length === 0; i++) {
      pids = trainers(dataDir);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pids).toHaveLength(1);
    await first.close();
    process.kill(pids[0], 'SIGKILL');
    while (trainers(dataDir).length > 0) await new Promise((resolve) => setTimeout(resolve, 20));

    const second = await startTestApp({dataDir, trainingConcurrency: 1, onInstalled: () => {}});
    try {
      second.services.training.resume();
      expect(second.services.training.position(a)).toEqual({state: 'running'});
      await Promise.all([a, b, c].map((s) => second.services.training.done(s)));
      for (const shop of [a, b, c]) expect(lastRun(second, shop)).toMatchObject({status: 'published'});
      // The interrupted run is recorded as failed, then retried.
      expect(adminModelReads(second.services.shopDbs.get(a)).runs(2).map((r) => r.status)).toEqual(['published', 'failed']);
    } finally {
      await second.close();
    }
  }, 240_000);
});

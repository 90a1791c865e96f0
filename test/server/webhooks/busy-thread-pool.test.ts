import {execFileSync} from 'node:child_process';
import {closeSync, constants, mkdtempSync, open, openSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {generateStore} from '../../../devkit/store-generator';
import {orderPayload, signedWebhook} from '../../../devkit/webhooks';
import {receiptsRepo} from '../../../storage/repos/receipts';
import type {ShopDomain} from '../../../storage/shop-domain';

const SHOP = 'busy-pool.myshopify.com' as ShopDomain;
/** libuv's thread pool: UV_THREADPOOL_SIZE threads, 4 unless set. */
const POOL_THREADS = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

/**
 * A webhook's durable acknowledgement does not queue behind libuv's thread pool, which every file operation,
 * crypto job and DNS lookup of the process shares: its fsync runs on lanes of its own (storage/fsync-lane.ts).
 * The pool is held here the plainest way, by opens of FIFOs no one writes to, each parked on a pool thread
 * until released; an fsync sent through the pool would wait for them, and the delivery would get no answer.
 */
describe('a webhook beside a busy thread pool', () => {
  let app: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pw-busy-pool-'));
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, {recursive: true, force: true});
  });

  it('is acknowledged, and stored, while every pool thread is held', async () => {
    const fifos = Array.from({length: POOL_THREADS}, (_, i) => join(dir, `fifo-${i}`));
    const parked = fifos.map((fifo) => {
      execFileSync('mkfifo', [fifo]);
      return new Promise<number>((resolve, reject) => open(fifo, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
    });
    try {
      const [order] = generateStore({seed: 5, orders: 1, products: 10}).orders();
      const delivery = signedWebhook({topic: 'orders/create', shop: SHOP, secret: app.secret, body: orderPayload(order)});
      // Not a speed limit: without a lane of its own the answer never comes while the pool is held.
      const res = await fetch(`${app.url}/webhooks`, {method: 'POST', headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(15_000)});
      expect(res.status).toBe(200);
      expect(receiptsRepo(app.services.shopDbs.get(SHOP)).has(delivery.headers['X-Shopify-Webhook-Id'])).toBe(true);
    } finally {
      // A writer's open releases each parked reader; then both ends are closed.
      for (const fifo of fifos) closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      for (const fd of await Promise.all(parked)) closeSync(fd);
    }
  });
});

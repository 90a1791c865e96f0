import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {startTestApp} from '../test/support/app';
import {generateStore} from '../demo/store-generator';
import {orderPayload, signedWebhook} from '../test/support/webhooks';
import type {Bench} from './types';

/**
 * Signed `orders/create` webhooks through the real route (HMAC check, parse, one durable transaction with the
 * receipt) over loopback, next to a raw better-sqlite3 loop doing the same durable commits with no HTTP.
 */
export const benchIngest: Bench = async ({quick}) => {
  const n = quick ? 1000 : 5000;
  const concurrency = 16;
  const app = await startTestApp();
  const orders = [...generateStore({seed: 7, orders: n, products: 500}).orders()];
  const bodies = orders.map((order) =>
    signedWebhook({topic: 'orders/create', shop: 'bench.myshopify.com', secret: app.secret, body: orderPayload(order)}),
  );
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      while (next < n) {
        const s = bodies[next++];
        const res = await fetch(`${app.url}/webhooks`, {method: 'POST', headers: s.headers, body: s.body});
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      }
    }),
  );
  const webhookRate = n / ((performance.now() - t0) / 1000);
  await app.close();

  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE lines (order_id INTEGER, product_id INTEGER, quantity INTEGER)');
  const insertOrder = db.prepare('INSERT INTO orders VALUES (?, ?)');
  const insertLine = db.prepare('INSERT INTO lines VALUES (?, ?, ?)');
  const t1 = performance.now();
  for (let i = 0; i < n; i++) {
    db.transaction(() => {
      insertOrder.run(i, bodies[i].body);
      for (const line of orders[i].lines) insertLine.run(i, line.productId, line.quantity);
    })();
  }
  const rawRate = n / ((performance.now() - t1) / 1000);
  db.close();
  rmSync(dir, {recursive: true, force: true});

  return [
    {
      name: `webhook ingest (${n} signed orders, ${concurrency} senders)`,
      value: webhookRate,
      unit: 'orders/s',
      reference: rawRate,
      referenceName: 'raw better-sqlite3 durable commits/s',
      ratio: webhookRate / rawRate,
      target: '>= 2000 orders/s',
    },
  ];
};

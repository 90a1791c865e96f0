import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import Database from 'better-sqlite3';
import {startTestApp} from '../devkit/test-app';
import {generateStore} from '../devkit/store-generator';
import {orderPayload, signedWebhook} from '../devkit/webhooks';
import type {Bench} from './types';

/**
 * Signed `orders/create` webhooks through the real route (HMAC check, parse, one durable transaction with the
 * receipt) over loopback, next to a raw better-sqlite3 loop doing the same durable commits with no HTTP.
 */
export const benchIngest: Bench = async ({quick}) => {
  const n = quick ? 1000 : 5000;
  const concurrency = 32;
  const app = await startTestApp();
  const orders = [...generateStore({seed: 7, orders: n, products: 500}).orders()];
  const bodies = orders.map((order) =>
    signedWebhook({topic: 'orders/create', shop: 'bench.myshopify.com', secret: app.secret, body: orderPayload(order)}),
  );
  // The senders run in their own process, so their CPU is not taken from the server's.
  const file = join(mkdtempSync(join(tmpdir(), 'pw-bench-hooks-')), 'deliveries.jsonl');
  writeFileSync(file, bodies.map((b) => JSON.stringify(b)).join('\n'));
  // The server runs in this process: its CPU time per delivery, unlike the rate, barely moves with the machine's load.
  const cpu0 = process.cpuUsage();
  const sent = await new Promise<{seconds: number; cpuSeconds: number}>((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'webhook-sender.mjs'), `${app.url}/webhooks`, file, String(concurrency)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => void (out += c));
    child.stderr.on('data', (c: Buffer) => void (err += c));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sender failed: ${err.trim().split('\n').pop()}`))));
  });
  const serverCpu = process.cpuUsage(cpu0);
  rmSync(dirname(file), {recursive: true, force: true});
  const webhookRate = n / sent.seconds;
  await app.close();

  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE lines (order_id INTEGER, product_id INTEGER, quantity INTEGER)');
  const insertOrder = db.prepare('INSERT INTO orders VALUES (?, ?)');
  const insertLine = db.prepare('INSERT INTO lines VALUES (?, ?, ?)');
  const t1 = performance.now();
  const rawCpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    db.transaction(() => {
      insertOrder.run(i, bodies[i].body);
      for (const line of orders[i].lines) insertLine.run(i, line.productId, line.quantity);
    })();
  }
  const rawRate = n / ((performance.now() - t1) / 1000);
  const rawCpu = process.cpuUsage(rawCpu0);
  const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000 / n;
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
    {
      name: 'webhook ingest: server CPU per delivery',
      value: cpuMs(serverCpu),
      unit: 'ms',
      reference: cpuMs(rawCpu),
      referenceName: 'ms per raw durable commit',
      ratio: cpuMs(serverCpu) / cpuMs(rawCpu),
      note: `user + system time of the server process (HTTP, verification, parsing, SQL, commit); the senders used ${((sent.cpuSeconds * 1000) / n).toFixed(2)} ms per delivery on the same cores`,
    },
  ];
};

import {closeSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync} from 'node:fs';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startServerProcess} from '../../devkit/server-process';
import type {ServerProcess} from '../../devkit/server-process';
import {sessionToken} from '../../devkit/session-token';
import {signProxyQuery} from '../../devkit/storefront/sign';
import {sendWebhook, signedWebhook} from '../../devkit/webhooks';

/**
 * One shop's damaged file, with the real server process: it starts, the damaged shop answers 503 everywhere
 * (webhooks, so Shopify retries; the storefront proxy; the admin API, which names the file and the SQLite
 * error) and every other shop is served. A file deleted under the running server never gets a 200 for a write
 * that is not at its path, and an emptied app.db stops start-up with a message naming it.
 */

const GOOD = 'good-shop.myshopify.com';
const DAMAGE: [shop: string, how: string, damage: (file: string) => void, error: RegExp][] = [
  ['garbage-shop.myshopify.com', 'overwritten with garbage', (f) => writeFileSync(f, 'this is not a database '.repeat(400)), /SQLITE_NOTADB/],
  ['halved-shop.myshopify.com', 'truncated to half', (f) => truncateSync(f, Math.floor(readFileSync(f).length / 2)), /SQLITE_CORRUPT/],
  ['header-shop.myshopify.com', 'truncated inside its header', (f) => truncateSync(f, 50), /SQLITE_(CORRUPT|NOTADB)/],
  ['emptied-shop.myshopify.com', 'truncated to 0 bytes', (f) => truncateSync(f, 0), /empty \(0 bytes\)/],
  // Opening reads only the header and the schema: this one opens, and fails at the first read of its tables.
  ['pages-shop.myshopify.com', 'damaged past its header (the tables\' pages overwritten)', overwriteTablePages, /SQLITE_CORRUPT/],
];

/** Overwrites the root pages of the tables a webhook and /api/status read, leaving the header and schema whole. */
function overwriteTablePages(file: string): void {
  const db = new Database(file, {readonly: true});
  const pageSize = db.pragma('page_size', {simple: true}) as number;
  const roots = db.prepare<[], {rootpage: number}>(`SELECT rootpage FROM sqlite_master WHERE tbl_name IN ('orders', 'order_lines', 'products', 'webhook_receipts') AND rootpage > 1`).all();
  db.close();
  const fd = openSync(file, 'r+');
  for (const {rootpage} of roots) writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize);
  closeSync(fd);
}

let server: ServerProcess;
let nextOrder = 1000;

const shopFile = (shop: string) => join(server.dataDir, 'shops', `${shop}.db`);

function order(id = nextOrder++) {
  return {id, created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-01T10:00:00Z', line_items: [{id: id * 10, product_id: 7, variant_id: 70, quantity: 1, price: '9.50'}]};
}

const webhook = (shop: string, body: unknown = order()) =>
  sendWebhook(`${server.url}/webhooks`, signedWebhook({topic: 'orders/create', shop, body, secret: server.secret}));

const proxy = (shop: string) =>
  fetch(`${server.url}/proxy/recommendations?${signProxyQuery(new URLSearchParams({products: '7'}), {shop, secret: server.secret, pathPrefix: '/apps/pairwise'})}`);

async function status(shop: string): Promise<Response> {
  const token = await sessionToken({shop, apiKey: server.apiKey, secret: server.secret});
  return fetch(`${server.url}/api/status`, {headers: {Authorization: `Bearer ${token}`}});
}

/** Order ids in the file at the shop's path, read by a separate connection. */
function ordersAtPath(shop: string): number[] {
  const db = new Database(shopFile(shop), {readonly: true, fileMustExist: true});
  try {
    return db.prepare<[], {order_id: number}>('SELECT order_id FROM orders ORDER BY order_id').all().map((r) => r.order_id);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  server = await startServerProcess();
  for (const shop of [GOOD, ...DAMAGE.map(([s]) => s)]) expect((await webhook(shop)).status).toBe(200);
  await server.kill();
  for (const [shop, , damage] of DAMAGE) {
    for (const suffix of ['-wal', '-shm']) rmSync(shopFile(shop) + suffix, {force: true});
    damage(shopFile(shop));
  }
  // Start-up resumes backfills for every installed shop: the damaged files must not stop it.
  await server.restart();
}, 120_000);
afterAll(async () => server?.close());

describe('a damaged shop file at start-up', () => {
  it.each(DAMAGE)('%s (%s): webhook, proxy and admin API answer 503; status names the file and the error', async (shop, _how, _damage, error) => {
    const hook = await webhook(shop);
    expect(hook.status).toBe(503);
    // The proxy's answer for an unknown product may read no damaged page; when it reads one, 503 too.
    expect(shop === 'pages-shop.myshopify.com' ? [200, 503] : [503]).toContain((await proxy(shop)).status);
    const res = await status(shop);
    expect(res.status).toBe(503);
    const body = (await res.json()) as {error: {code: string; message: string}};
    expect(body.error.code).toBe('shop_unavailable');
    expect(body.error.message).toContain(`shops/${shop}.db`);
    expect(body.error.message).toMatch(error);
    const logged = server.stderr.split('\n').filter((l) => l.includes(`shops/${shop}.db`));
    expect(logged.some((l) => error.test(l))).toBe(true);
  });

  it('every other shop is served', async () => {
    const id = nextOrder;
    expect((await webhook(GOOD)).status).toBe(200);
    expect((await proxy(GOOD)).status).toBe(200);
    expect((await status(GOOD)).status).toBe(200);
    expect(ordersAtPath(GOOD)).toContain(id);
  });

  it('a repaired (deleted) file is served again without a restart', async () => {
    const [shop] = DAMAGE[0];
    rmSync(shopFile(shop));
    expect((await webhook(shop)).status).toBe(200);
    expect((await status(shop)).status).toBe(200);
  });
});

describe('a shop file deleted under the running server', () => {
  it('the next webhook is stored at the path, or refused with 503: never a 200 for a write nobody will read', async () => {
    expect((await webhook(GOOD)).status).toBe(200);
    for (const suffix of ['', '-wal', '-shm']) rmSync(shopFile(GOOD) + suffix, {force: true});
    for (let i = 0; i < 3; i++) {
      const id = nextOrder;
      const res = await webhook(GOOD);
      expect([200, 503]).toContain(res.status);
      if (res.status === 200) expect(ordersAtPath(GOOD)).toContain(id);
    }
  });
});

describe('an emptied app.db', () => {
  it('stops start-up with a message naming it, instead of starting over with no shops', async () => {
    await server.kill();
    for (const suffix of ['-wal', '-shm']) rmSync(join(server.dataDir, 'app.db') + suffix, {force: true});
    truncateSync(join(server.dataDir, 'app.db'), 0);
    const started = server.restart();
    await expect(started).rejects.toThrow(/exited during start-up \(1\)/);
    await started.catch(() => {});
    expect(server.stderr).toMatch(/pairwise: .*app\.db is empty \(0 bytes\)/);
    expect(readFileSync(join(server.dataDir, 'app.db')).length).toBe(0);
  }, 60_000);
});

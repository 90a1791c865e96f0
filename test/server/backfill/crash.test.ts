import {randomBytes} from 'node:crypto';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startServerProcess} from '../../../devkit/server-process';
import type {ServerProcess} from '../../../devkit/server-process';
import {sessionToken} from '../../../devkit/session-token';
import {ShopifyStandin} from '../../../devkit/shopify-standin';
import {generateStore} from '../../../devkit/store-generator';
import type {BackfillRow} from '../../../storage/repos/backfills';
import {expectAppliedThrough, expectImported} from './imported';

// The real server as a child process, killed with SIGKILL while its backfill stages an ungrouped orders file
// and again while it applies it; each restart resumes the backfill (server/main.ts). What the shop file
// holds at the end is compared with the generated store, line by line.

const SHOP = 'crash-backfill.myshopify.com';
const apiKey = `key-${randomBytes(4).toString('hex')}`;
const apiSecret = randomBytes(16).toString('hex');
// Three staging batches of 20,000 lines and about 25 chunks to apply: wide enough windows to kill inside.
const store = generateStore({seed: 31, orders: 12_000, products: 400, customItemRate: 0.05});
const orders = [...store.orders()];
let standin: ShopifyStandin;
let server: ServerProcess;

beforeAll(async () => {
  standin = await ShopifyStandin.start({apiKey, apiSecret, bulkStepDelayMs: 5});
  standin.addShop(SHOP, {products: store.products, orders});
  server = await startServerProcess({env: {SHOPIFY_API_KEY: apiKey, SHOPIFY_API_SECRET: apiSecret, PAIRWISE_ADMIN_ORIGIN: standin.origin}});
}, 120_000);
afterAll(async () => {
  await server?.close();
  await standin?.close();
});

/** Reads the shop file through its own connection, as another process would. */
function read<T>(query: (db: Database.Database) => T): T | undefined {
  let db: Database.Database;
  try {
    db = new Database(join(server.dataDir, 'shops', `${SHOP}.db`), {readonly: true, fileMustExist: true});
  } catch {
    return undefined; // not created yet
  }
  try {
    return query(db);
  } catch (err) {
    if (err instanceof Database.SqliteError) return undefined; // not migrated yet
    throw err;
  } finally {
    db.close();
  }
}

const ordersRow = () => read((db) => db.prepare<[], BackfillRow>(`SELECT * FROM backfills WHERE kind = 'orders' ORDER BY id DESC`).get());
const stagedCount = (id: number) => read((db) => db.prepare<[number], {n: number}>('SELECT count(*) AS n FROM bulk_staging WHERE backfill_id = ?').get(id)!.n) ?? 0;
const appliedCount = () => read((db) => db.prepare<[], {n: number}>('SELECT count(*) AS n FROM orders').get()!.n) ?? 0;

async function until(what: string, condition: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}; orders backfill: ${JSON.stringify(ordersRow())}\n${server.stderr.slice(-2000)}`);
    await sleep(20);
  }
}

describe('backfill killed with SIGKILL', () => {
  it('mid-download and mid-apply, resumes at each start to exactly the store: no line lost, none applied twice', async () => {
    // Installing (the first verified session token) starts the backfill.
    const token = await sessionToken({shop: SHOP, apiKey, secret: apiSecret});
    expect((await fetch(`${server.url}/api/status`, {headers: {Authorization: `Bearer ${token}`}})).status).toBe(200);

    await until('part of the orders file is staged', () => {
      const row = ordersRow();
      return row !== undefined && row.objects_done > 0 && row.staged_at === null;
    });
    await server.kill();
    const staging = ordersRow()!;
    expect(staging.staged_at).toBeNull();
    expect(stagedCount(staging.id)).toBe(staging.objects_done); // every line counted is staged, and only those
    expect(appliedCount()).toBe(0);

    await server.restart();
    await until('part of the orders is applied', () => {
      const row = ordersRow();
      return row !== undefined && row.staged_at !== null && appliedCount() > 0;
    });
    await server.kill();
    const applying = read((db) => expectAppliedThrough(db, orders, staging.id))!;
    expect(applying.applied).toBeGreaterThan(0);
    expect(applying.waiting).toBeGreaterThan(0);

    await server.restart();
    await until('the orders backfill completed', () => ordersRow()?.status === 'completed');
    const salt = (() => {
      const db = new Database(join(server.dataDir, 'app.db'), {readonly: true});
      try {
        return db.prepare<[string], {customer_salt: string}>('SELECT customer_salt FROM shops WHERE domain = ?').get(SHOP)!.customer_salt;
      } finally {
        db.close();
      }
    })();
    read((db) => expectImported(db, salt, store, orders));
    const done = ordersRow()!;
    const op = standin.bulkOperations(SHOP).find((o) => `gid://shopify/BulkOperation/${o.id}` === done.bulk_operation_id)!;
    expect(done.objects_done).toBe(op.objectCount);
    // The resumed runs polled and re-read the same operations instead of starting others.
    expect(standin.bulkOperations(SHOP)).toHaveLength(2);
  }, 240_000);
});

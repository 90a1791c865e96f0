import {setImmediate as nextTurn} from 'node:timers/promises';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../../devkit/store-generator';
import type {Store, StoreOrder} from '../../../devkit/store-generator';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {ShopifyStandin} from '../../../devkit/shopify-standin';
import type {TestApp} from '../../../devkit/test-app';
import {offlineSession} from '../../../server/auth/offline-session';
import {runBackfill} from '../../../server/backfill/bulk';
import type {BackfillDeps} from '../../../server/backfill/bulk';
import {PRODUCTS_BULK_QUERY, RUN_BULK_QUERY} from '../../../server/backfill/queries';
import type {Db} from '../../../storage/open';
import {backfillsRepo} from '../../../storage/repos/backfills';
import type {BackfillKind} from '../../../storage/repos/backfills';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {ShopDomain} from '../../../storage/shop-domain';
import {expectAppliedThrough, expectImported} from './imported';

// The backfill against the stand-in's ungrouped bulk output (API 2026-10's default): a line item or variant
// line carries `__parentId` but may come anywhere in the file. What lands in the shop database is compared
// with the generator's own orders and products, line by line.

let installed: InstalledApp;
let standin: ShopifyStandin;
let deps: BackfillDeps;
let logs: TestApp['logs'];

beforeAll(async () => {
  // Each step of an operation takes 100 ms, so five operations started by a test are still running when the
  // backfill asks for a sixth.
  installed = await startInstalledApp({standin: {bulkStepDelayMs: 100}});
  standin = installed.standin;
  deps = installed.app.services;
  logs = installed.app.logs;
});
afterAll(() => installed?.close());

/** A shop in the stand-in holding a generated store, installed (offline token) in the app. */
async function installedShop(name: string, seed: number): Promise<{shop: ShopDomain; store: Store; orders: StoreOrder[]; db: Db}> {
  const shop = parseShopDomain(`${name}.myshopify.com`)!;
  const store = generateStore({seed, orders: 800, products: 120, customItemRate: 0.05, cancelRate: 0.05});
  const orders = [...store.orders()];
  await installed.install(shop, {products: store.products, orders});
  return {shop, store, orders, db: deps.shopDbs.get(shop)};
}

const salt = (shop: ShopDomain) => shopsRepo(deps.appDb).ensure(shop).customerSalt;

/** Lines in the result file of the operation a backfill row ran. */
function fileLines(shop: ShopDomain, db: Db, kind: BackfillKind): number {
  const id = Number(backfillsRepo(db).latest(kind)!.bulk_operation_id!.split('/').pop());
  return standin.bulkOperations(shop).find((op) => op.id === id)!.objectCount;
}

/** Starts a run and stops it (as a shutdown or a crash would, between two commits) once `when` holds. */
async function stopWhen(shop: ShopDomain, when: () => boolean, opts: {chunk: number; stageBatch: number}): Promise<void> {
  const stop = new AbortController();
  let settled = false;
  const run = runBackfill(deps, shop, {pollMs: 10, ...opts, signal: stop.signal}).finally(() => void (settled = true));
  while (!settled && !when()) await nextTurn();
  stop.abort();
  await expect(run).rejects.toThrow(/abort/i);
}

describe('backfill from ungrouped bulk output', () => {
  it('attaches every line item to its order and every variant to its product, wherever the line is in the file', async () => {
    const {shop, store, orders, db} = await installedShop('ungrouped', 21);
    await runBackfill(deps, shop, {pollMs: 10, chunk: 50, stageBatch: 200});
    expectImported(db, salt(shop), store, orders);
    const row = backfillsRepo(db).latest('orders')!;
    expect(row).toMatchObject({status: 'completed', error: null});
    expect(row.objects_done).toBe(fileLines(shop, db, 'orders'));
  });

  it('reads grouped output (groupObjects: true) to the same rows', async () => {
    const {shop, store, orders, db} = await installedShop('grouped', 22);
    await runBackfill(deps, shop, {pollMs: 10, chunk: 50, groupObjects: true});
    expectImported(db, salt(shop), store, orders);
  });

  it('stopped mid-download and again mid-apply, resumes to the same rows: no line lost, none applied twice', async () => {
    const {shop, store, orders, db} = await installedShop('resume', 23);
    const repo = backfillsRepo(db);
    const opts = {chunk: 20, stageBatch: 50};
    const staged = () => db.prepare<[number], {parents: number; children: number}>(
      'SELECT count(*) FILTER (WHERE parent_id = 0) AS parents, count(*) FILTER (WHERE parent_id <> 0) AS children FROM bulk_staging WHERE backfill_id = ?',
    ).get(repo.latest('orders')!.id)!;

    // 1. Part of the orders file staged, nothing of it applied yet.
    await stopWhen(shop, () => (repo.latest('orders')?.objects_done ?? 0) > 0, opts);
    const stopped = repo.latest('orders')!;
    expect(stopped).toMatchObject({status: 'downloading', staged_at: null});
    expect(stopped.objects_done).toBeLessThan(fileLines(shop, db, 'orders'));
    expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({n: 0});
    const {parents, children} = staged();
    expect(parents + children).toBe(stopped.objects_done);

    // 2. Resumed past the staged lines, then stopped again with part of the orders applied.
    const appliedOrders = () => db.prepare<[], {n: number}>('SELECT count(*) AS n FROM orders').get()!.n;
    await stopWhen(shop, () => repo.latest('orders')!.staged_at !== null && appliedOrders() >= 100, opts);
    expect(repo.latest('orders')!.objects_done).toBe(fileLines(shop, db, 'orders'));
    const {applied, waiting} = expectAppliedThrough(db, orders, repo.latest('orders')!.id);
    expect(applied).toBeGreaterThan(0);
    expect(waiting).toBeGreaterThan(0);

    // 3. To the end.
    await runBackfill(deps, shop, {pollMs: 10, ...opts});
    expectImported(db, salt(shop), store, orders);
    expect(repo.latest('orders')).toMatchObject({status: 'completed', objects_done: fileLines(shop, db, 'orders')});
    // One bulk operation per kind: the resumed runs read the same file again rather than starting another.
    expect(standin.bulkOperations(shop)).toHaveLength(2);
  });

  it('waits while the shop\'s five bulk query places are taken, and never runs two of its own at once', async () => {
    const {shop, store, orders, db} = await installedShop('busy', 24);
    const session = await offlineSession(deps, shop);
    const client = new deps.shopify.clients.Graphql({session});
    // The five places stay taken until the backfill has been refused once, however slow the machine.
    const release = standin.holdBulkOperations(shop);
    for (let i = 0; i < 5; i++) {
      const res = await client.request<{bulkOperationRunQuery: {userErrors: unknown[]}}>(RUN_BULK_QUERY, {variables: {query: PRODUCTS_BULK_QUERY}});
      expect(res.data!.bulkOperationRunQuery.userErrors).toEqual([]);
    }
    logs.length = 0;
    const refused = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (!logs.some((l) => l.msg === 'bulk query limit reached, waiting' && l.fields?.shop === shop)) return;
        clearInterval(check);
        resolve();
      }, 10);
    });
    void refused.then(release);
    await runBackfill(deps, shop, {pollMs: 10});
    expectImported(db, salt(shop), store, orders);
    expect(logs.some((l) => l.msg === 'bulk query limit reached, waiting' && l.fields?.shop === shop)).toBe(true);
    const [products, ordersOp] = standin.bulkOperations(shop).slice(5);
    expect(Date.parse(products.completedAt!)).toBeLessThanOrEqual(Date.parse(ordersOp.createdAt));
  });
});

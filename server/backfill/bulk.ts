import {createInterface} from 'node:readline';
import {Readable} from 'node:stream';
import type {Session} from '@shopify/shopify-api';
import {offlineSession} from '../auth/offline-session';
import type {AppContext} from '../context';
import {backfillsRepo} from '../../storage/repos/backfills';
import type {BackfillKind, BackfillRow} from '../../storage/repos/backfills';
import {ordersRepo} from '../../storage/repos/orders';
import {productsRepo} from '../../storage/repos/products';
import {shopsRepo} from '../../storage/repos/shops';
import type {ShopDomain} from '../../storage/shop-domain';
import {BULK_OPERATION_STATUS, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY, RUN_BULK_QUERY} from './queries';
import {orderFromBulk, productFromBulk} from './records';

export class BackfillError extends Error {
  override name = 'BackfillError';
}

export interface BackfillOptions {
  /** How often to poll the bulk operation; the bulk_operations/finish webhook wakes the poll early. */
  pollMs?: number;
  /** Parent objects applied per transaction (and per progress update). */
  chunk?: number;
}

const QUERIES: Record<BackfillKind, string> = {orders: ORDERS_BULK_QUERY, products: PRODUCTS_BULK_QUERY};

interface BulkOperation {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  url: string | null;
}

const running = new Map<ShopDomain, Promise<void>>();
const wakers = new Map<ShopDomain, () => void>();

/** At start-up: backfills that a stop or crash interrupted carry on (installed shops only). */
export function resumeBackfills(ctx: AppContext): void {
  for (const shop of shopsRepo(ctx.appDb).installed()) {
    if (backfillsRepo(ctx.shopDbs.get(shop.domain)).unfinished().length === 0) continue;
    runBackfill(ctx, shop.domain).catch(() => {}); // recorded in the backfills table and logged
  }
}

/** The bulk_operations/finish webhook: stop waiting for the next poll. */
export function wakeBackfill(shop: ShopDomain): void {
  wakers.get(shop)?.();
}

/**
 * Imports the catalogue, then past orders, through bulk operations; one run per shop at a time. Unfinished
 * runs (a crash, a restart) resume: a known operation is polled again and its JSONL re-read past the lines
 * already applied. Safe to run again at any time: rows go through the same upsert rules as webhooks.
 */
export function runBackfill(ctx: AppContext, shop: ShopDomain, opts: BackfillOptions = {}): Promise<void> {
  const pending = running.get(shop);
  if (pending) return pending;
  const work = (async () => {
    const repo = backfillsRepo(ctx.shopDbs.get(shop));
    const unfinished = repo.unfinished();
    const kinds: BackfillKind[] = ['products', 'orders'];
    for (const kind of kinds) {
      const row = unfinished.find((r) => r.kind === kind) ?? repo.get(repo.create(kind))!;
      await runOne(ctx, shop, row, opts);
    }
  })().finally(() => running.delete(shop));
  running.set(shop, work);
  return work;
}

async function runOne(ctx: AppContext, shop: ShopDomain, row: BackfillRow, opts: BackfillOptions): Promise<void> {
  const repo = backfillsRepo(ctx.shopDbs.get(shop));
  try {
    const session = await offlineSession(ctx, shop);
    const operationId = row.bulk_operation_id ?? (await startOperation(ctx, session, row.kind));
    if (!row.bulk_operation_id) repo.started(row.id, operationId);
    const op = await waitForOperation(ctx, shop, operationId, opts.pollMs ?? 2000);
    if (!op.url) {
      // Nothing matched the query: Shopify completes the operation with no file.
      repo.finish(row.id, 'completed');
      return;
    }
    repo.downloading(row.id, op.url);
    await applyJsonl(ctx, shop, row.id, row.kind, op.url, repo.get(row.id)!.objects_done, opts.chunk ?? 500);
    repo.finish(row.id, 'completed');
    ctx.log('info', 'backfill completed', {shop, kind: row.kind, objects: repo.get(row.id)!.objects_done});
  } catch (err) {
    repo.finish(row.id, 'failed', String(err));
    ctx.log('error', 'backfill failed', {shop, kind: row.kind, error: String(err)});
    throw err;
  }
}

async function startOperation(ctx: AppContext, session: Session, kind: BackfillKind): Promise<string> {
  const client = new ctx.shopify.clients.Graphql({session});
  const res = await client.request<{bulkOperationRunQuery: {bulkOperation: {id: string} | null; userErrors: {message: string}[]}}>(
    RUN_BULK_QUERY,
    {variables: {query: QUERIES[kind]}},
  );
  const result = res.data?.bulkOperationRunQuery;
  if (!result?.bulkOperation) {
    throw new BackfillError(`bulkOperationRunQuery refused: ${result?.userErrors.map((e) => e.message).join('; ') || 'no operation'}`);
  }
  return result.bulkOperation.id;
}

async function waitForOperation(ctx: AppContext, shop: ShopDomain, id: string, pollMs: number): Promise<BulkOperation> {
  for (;;) {
    const session = await offlineSession(ctx, shop);
    const client = new ctx.shopify.clients.Graphql({session});
    const res = await client.request<{node: BulkOperation | null}>(BULK_OPERATION_STATUS, {variables: {id}});
    const op = res.data?.node;
    if (!op) throw new BackfillError(`bulk operation ${id} not found`);
    if (op.status === 'COMPLETED') return op;
    if (['FAILED', 'CANCELED', 'CANCELLED', 'EXPIRED'].includes(op.status)) {
      throw new BackfillError(`bulk operation ${id} ${op.status.toLowerCase()}${op.errorCode ? `: ${op.errorCode}` : ''}`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      wakers.set(shop, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    wakers.delete(shop);
  }
}

/**
 * Streams the JSONL line by line (never whole): a parent line starts an object, its `__parentId` children
 * follow. Objects are applied in chunks, each in one transaction with the count of lines consumed, so a
 * crash resumes exactly after the last committed chunk.
 */
async function applyJsonl(
  ctx: AppContext,
  shop: ShopDomain,
  backfillId: number,
  kind: BackfillKind,
  url: string,
  skipLines: number,
  chunk: number,
): Promise<void> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new BackfillError(`bulk result download failed: HTTP ${res.status}`);
  const db = ctx.shopDbs.get(shop);
  const repo = backfillsRepo(db);
  const orders = ordersRepo(db);
  const products = productsRepo(db);
  const salt = shopsRepo(ctx.appDb).ensure(shop).customerSalt;

  let batch: {parent: unknown; children: unknown[]}[] = [];
  let current: {parent: unknown; children: unknown[]} | null = null;
  let lineNo = 0;

  const commit = (through: number) => {
    const objects = batch;
    batch = [];
    db.transaction(() => {
      for (const o of objects) {
        if (kind === 'orders') orders.upsert(orderFromBulk(o.parent, o.children, salt));
        else products.upsert(productFromBulk(o.parent, o.children));
      }
      repo.progress(backfillId, through);
    })();
  };

  const lines = createInterface({input: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), crlfDelay: Infinity});
  for await (const line of lines) {
    lineNo += 1;
    if (lineNo <= skipLines || line.trim() === '') continue;
    const object = JSON.parse(line) as {__parentId?: string};
    if (object.__parentId === undefined) {
      if (current) {
        batch.push(current);
        if (batch.length >= chunk) commit(lineNo - 1);
      }
      current = {parent: object, children: []};
    } else if (current) {
      current.children.push(object);
    } else {
      throw new BackfillError(`line ${lineNo}: child object before any parent`);
    }
  }
  if (current) batch.push(current);
  commit(lineNo);
  ctx.log('info', 'backfill applied', {shop, kind, lines: lineNo - skipLines});
}

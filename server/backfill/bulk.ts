import {createInterface} from 'node:readline';
import {Readable} from 'node:stream';
import type {ReadableStream as WebReadableStream} from 'node:stream/web';
import {setImmediate as nextTurn} from 'node:timers/promises';
import {offlineSession} from '../auth/offline-session';
import type {Services} from '../services';
import type {Db} from '../../storage/open';
import {backfillsRepo} from '../../storage/repos/backfills';
import type {BackfillKind, BackfillRow} from '../../storage/repos/backfills';
import {bulkStagingRepo} from '../../storage/repos/bulk-staging';
import type {StagedLine} from '../../storage/repos/bulk-staging';
import {ordersRepo} from '../../storage/repos/orders';
import {shopsRepo} from '../../storage/repos/shops';
import type {ShopDomain} from '../../storage/shop-domain';
import {BULK_OPERATION_STATUS, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY, RUN_BULK_QUERY} from './queries';
import {orderRecords, productRecords} from './records';
import {storeProduct} from '../webhooks/products';
import type {BulkRecords} from './records';
import {BackfillError} from '../../domain/errors';

/** What a backfill needs: the shop files, the shops it resumes, the Shopify client and the log. */
export type BackfillDeps = Pick<Services, 'config' | 'appDb' | 'shopDbs' | 'shopify' | 'log'>;

export interface BackfillOptions {
  /** How often to poll the bulk operation; the bulk_operations/finish webhook wakes the poll early. */
  pollMs?: number;
  /** Parent objects (orders, products) applied per transaction, each with its children. */
  chunk?: number;
  /** JSONL lines staged per transaction (default 20,000). */
  stageBatch?: number;
  /** Ask Shopify for grouped output. The reader does not need it and grouping makes operations slower. */
  groupObjects?: boolean;
  /** Stops the run between two commits, as a shutdown does; its row stays unfinished and resumes later. */
  signal?: AbortSignal;
}

const QUERIES: Record<BackfillKind, string> = {orders: ORDERS_BULK_QUERY, products: PRODUCTS_BULK_QUERY};
/**
 * Lines staged per transaction. Shuffled lines land all over the staging index, and each commit writes every
 * index page it touched: at a million orders 20,000 lines a commit stage 3x faster than 5,000, and hold the
 * connection about half a second each.
 */
const STAGE_BATCH = 20_000;
/** Staged lines deleted per transaction once a backfill is applied (or failed). */
const CLEAR_BATCH = 50_000;
/** The catalogue first, so imported orders find their products. */
const KINDS: BackfillKind[] = ['products', 'orders'];

/**
 * Refusals that mean "the shop's bulk query places are all taken" (since API 2026-01 an app may run five bulk
 * queries at a time per shop: https://shopify.dev/docs/api/usage/bulk-operations/queries, codes in
 * https://shopify.dev/docs/api/admin-graphql/2026-10/enums/BulkOperationUserErrorCode), not "this query is
 * wrong". They are waited out, doubling the wait up to a minute, for at most half an hour.
 */
const BUSY_CODES = new Set(['LIMIT_REACHED', 'OPERATION_IN_PROGRESS']);
const BUSY_MAX_WAIT_MS = 60_000;
const BUSY_TIMEOUT_MS = 30 * 60_000;

interface BulkOperation {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  url: string | null;
}

interface BulkUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

const running = new Map<ShopDomain, Promise<void>>();
const wakers = new Map<ShopDomain, () => void>();

/** At start-up: backfills that a stop or crash interrupted carry on (installed shops only). */
export function resumeBackfills(deps: BackfillDeps): void {
  for (const shop of shopsRepo(deps.appDb).installed()) {
    // One shop's damaged file must not stop start-up: it is logged, and that shop answers 503 until repaired.
    try {
      if (backfillsRepo(deps.shopDbs.get(shop.domain)).unfinished().length === 0) continue;
    } catch (err) {
      deps.log('error', 'backfill not resumed: shop file unavailable', {shop: shop.domain, error: String(err)});
      continue;
    }
    runBackfill(deps, shop.domain).catch(() => {}); // recorded in the backfills table and logged
  }
}

/** The bulk_operations/finish webhook: stop waiting for the next poll. */
export function wakeBackfill(shop: ShopDomain): void {
  wakers.get(shop)?.();
}

/**
 * Imports the catalogue, then past orders, through bulk operations; one run per shop at a time, so one bulk
 * query of ours at a time per shop. An interrupted run (a stop, a crash, a restart) resumes from the first
 * unfinished kind: a known operation is polled again, its JSONL re-read past the lines already staged, and
 * what is staged applied. Safe to run again at any time: rows go through the same upsert rules as webhooks.
 */
export function runBackfill(deps: BackfillDeps, shop: ShopDomain, opts: BackfillOptions = {}): Promise<void> {
  const pending = running.get(shop);
  if (pending) return pending;
  const work = (async () => {
    const db = deps.shopDbs.get(shop);
    for (const id of bulkStagingRepo(db).leftovers()) await clearStaged(db, id, opts.signal);
    const repo = backfillsRepo(db);
    const unfinished = repo.unfinished();
    const from = unfinished.length === 0 ? 0 : Math.min(...unfinished.map((r) => KINDS.indexOf(r.kind)));
    for (const kind of KINDS.slice(from)) {
      const row = unfinished.find((r) => r.kind === kind) ?? repo.get(repo.create(kind))!;
      await runOne(deps, shop, row, opts);
    }
  })().finally(() => running.delete(shop));
  running.set(shop, work);
  return work;
}

async function runOne(deps: BackfillDeps, shop: ShopDomain, row: BackfillRow, opts: BackfillOptions): Promise<void> {
  const db = deps.shopDbs.get(shop);
  const repo = backfillsRepo(db);
  try {
    const kind = kindOf(deps, shop, row.kind);
    if (row.staged_at === null) await stageOperation(deps, shop, row, kind, opts);
    const objects = await applyStaged(deps, shop, row, kind, opts);
    deps.log('info', 'backfill completed', {shop, kind: row.kind, lines: repo.get(row.id)!.objects_done, objects});
  } catch (err) {
    if (opts.signal?.aborted) {
      deps.log('info', 'backfill stopped; it resumes on the next run', {shop, kind: row.kind});
      throw err;
    }
    repo.finish(row.id, 'failed', String(err));
    deps.log('error', 'backfill failed', {shop, kind: row.kind, error: String(err)});
    await clearStaged(db, row.id);
    throw err;
  }
}

/** How a kind's lines are staged and applied: its line readers and the upsert its records go through. */
interface Kind {
  records: BulkRecords<unknown, unknown, unknown>;
  apply(parent: string, children: string[]): void;
}

function kindOf(deps: BackfillDeps, shop: ShopDomain, kind: BackfillKind): Kind {
  const db = deps.shopDbs.get(shop);
  if (kind === 'orders') return bind(orderRecords(shopsRepo(deps.appDb).ensure(shop).customerSalt), ordersRepo(db).upsert);
  return bind(productRecords, (r) => storeProduct(db, r.product, r.stock, r.items));
}

function bind<P, C, R>(records: BulkRecords<P, C, R>, upsert: (record: R) => unknown): Kind {
  return {
    records,
    apply: (parent, children) => void upsert(records.assemble(JSON.parse(parent) as P, children.map((c) => JSON.parse(c) as C))),
  };
}

/** Starts the row's bulk operation (or finds it again), waits for it and stages its whole result. */
async function stageOperation(deps: BackfillDeps, shop: ShopDomain, row: BackfillRow, kind: Kind, opts: BackfillOptions): Promise<void> {
  const repo = backfillsRepo(deps.shopDbs.get(shop));
  const operationId = row.bulk_operation_id ?? (await startOperation(deps, shop, row.kind, opts));
  if (!row.bulk_operation_id) repo.started(row.id, operationId);
  const op = await waitForOperation(deps, shop, operationId, opts);
  if (!op.url) {
    // Nothing matched the query: Shopify completes the operation with no file.
    repo.staged(row.id);
    return;
  }
  repo.downloading(row.id, op.url);
  await stageJsonl(deps, shop, row.id, kind, op.url, opts);
}

async function startOperation(deps: BackfillDeps, shop: ShopDomain, kind: BackfillKind, opts: BackfillOptions): Promise<string> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let wait = opts.pollMs ?? 2000; ; wait = Math.min(2 * wait, BUSY_MAX_WAIT_MS)) {
    const session = await offlineSession(deps, shop);
    const client = new deps.shopify.clients.Graphql({session});
    const res = await client.request<{bulkOperationRunQuery: {bulkOperation: {id: string} | null; userErrors: BulkUserError[]} | null}>(
      RUN_BULK_QUERY,
      {variables: {query: QUERIES[kind], groupObjects: opts.groupObjects ?? false}},
    );
    const result = res.data?.bulkOperationRunQuery;
    if (result?.bulkOperation) return result.bulkOperation.id;
    const errors = result?.userErrors ?? [];
    const busy = errors.length > 0 && errors.every((e) => e.code !== null && BUSY_CODES.has(e.code));
    if (!busy || Date.now() + wait > deadline) {
      throw new BackfillError(`bulkOperationRunQuery refused: ${errors.map((e) => e.message).join('; ') || 'no operation'}`);
    }
    deps.log('info', 'bulk query limit reached, waiting', {shop, kind, retryInMs: wait});
    await pause(shop, wait, opts.signal);
  }
}

async function waitForOperation(deps: BackfillDeps, shop: ShopDomain, id: string, opts: BackfillOptions): Promise<BulkOperation> {
  for (;;) {
    const session = await offlineSession(deps, shop);
    const client = new deps.shopify.clients.Graphql({session});
    const res = await client.request<{node: BulkOperation | null}>(BULK_OPERATION_STATUS, {variables: {id}});
    const op = res.data?.node;
    if (!op) throw new BackfillError(`bulk operation ${id} not found`);
    if (op.status === 'COMPLETED') return op;
    if (['FAILED', 'CANCELED', 'CANCELLED', 'EXPIRED'].includes(op.status)) {
      throw new BackfillError(`bulk operation ${id} ${op.status.toLowerCase()}${op.errorCode ? `: ${op.errorCode}` : ''}`);
    }
    await pause(shop, opts.pollMs ?? 2000, opts.signal);
  }
}

/** Waits `ms`, less when a bulk_operations/finish webhook arrives; rejects when the run is stopped. */
function pause(shop: ShopDomain, ms: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const end = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      if (wakers.get(shop) === wake) wakers.delete(shop);
    };
    const wake = () => {
      end();
      resolve();
    };
    const stop = () => {
      end();
      reject(signal!.reason);
    };
    const timer = setTimeout(wake, ms);
    wakers.set(shop, wake);
    signal?.addEventListener('abort', stop, {once: true});
  });
}

/**
 * Streams the JSONL line by line (never whole) into bulk_staging, `stageBatch` lines per transaction together
 * with the count of lines read, so a stop or a crash resumes right after the last committed batch. Nothing is
 * matched here: with ungrouped output, the default since API 2026-01, a child line may come before its parent,
 * or far after it (https://shopify.dev/changelog/bulk-operations-group-objects-default-changed-to-false).
 */
async function stageJsonl(deps: BackfillDeps, shop: ShopDomain, backfillId: number, kind: Kind, url: string, opts: BackfillOptions): Promise<void> {
  const db = deps.shopDbs.get(shop);
  const repo = backfillsRepo(db);
  const staging = bulkStagingRepo(db);
  const skip = repo.get(backfillId)!.objects_done;
  const batchSize = opts.stageBatch ?? STAGE_BATCH;
  const res = await fetch(url, {signal: opts.signal});
  if (!res.ok || !res.body) throw new BackfillError(`bulk result download failed: HTTP ${res.status}`);
  const input = Readable.fromWeb(res.body as WebReadableStream);
  const lines = createInterface({input, crlfDelay: Infinity});

  let batch: StagedLine[] = [];
  let lineNo = 0;
  const commit = (whole: boolean) => {
    const staged = batch;
    batch = [];
    db.transaction(() => {
      staging.add(backfillId, staged);
      repo.progress(backfillId, lineNo);
      if (whole) repo.staged(backfillId);
    })();
  };
  try {
    for await (const text of lines) {
      lineNo += 1;
      if (lineNo <= skip || text.trim() === '') continue;
      batch.push(stagedLine(kind.records, text, lineNo));
      if (batch.length >= batchSize) {
        commit(false);
        opts.signal?.throwIfAborted();
      }
    }
  } finally {
    lines.close();
    input.destroy();
  }
  commit(true);
  deps.log('info', 'backfill staged', {shop, lines: lineNo - skip});
}

const GID = /^gid:\/\/shopify\/(\w+)\/(\d+)$/;

/** One JSONL line, read and checked: a parent of the query's root type, or a child naming one. */
function stagedLine(records: BulkRecords<unknown, unknown, unknown>, text: string, lineNo: number): StagedLine {
  try {
    const line = JSON.parse(text) as {id?: unknown; __parentId?: unknown};
    const id = GID.exec(String(line.id));
    if (!id) throw new BackfillError(`no object id (${String(line.id)})`);
    if (line.__parentId === undefined) {
      if (id[1] !== records.parentType) throw new BackfillError(`a top-level ${id[1]}, expected ${records.parentType}`);
      return {lineNo, objectId: Number(id[2]), parentId: null, record: JSON.stringify(records.parent(line))};
    }
    const parent = GID.exec(String(line.__parentId));
    if (!parent || parent[1] !== records.parentType) throw new BackfillError(`__parentId ${String(line.__parentId)} is not a ${records.parentType}`);
    return {lineNo, objectId: Number(id[2]), parentId: Number(parent[2]), record: JSON.stringify(records.child(line))};
  } catch (err) {
    throw new BackfillError(`line ${lineNo}: ${(err as Error).message}`);
  }
}

/**
 * Joins staged children to their parents and applies each parent with its children through the webhooks'
 * upsert rules, `chunk` parents at a time in id order. Each chunk is one transaction that also deletes the
 * staged lines it applied (their pages go to the orders as they grow: at a million orders the file ends a
 * third smaller than when they are deleted at the end) and records the highest id it applied
 * (backfills.applied_through), so after a stop or a crash a resumed run carries on above it, and nothing is
 * applied twice or skipped. Yields between chunks, so a big import does not hold up the storefront and
 * webhooks. Returns how many parents it applied.
 */
async function applyStaged(deps: BackfillDeps, shop: ShopDomain, row: BackfillRow, kind: Kind, opts: BackfillOptions): Promise<number> {
  const db = deps.shopDbs.get(shop);
  const repo = backfillsRepo(db);
  const staging = bulkStagingRepo(db);
  const chunk = opts.chunk ?? 500;
  const applyChunk = db.transaction((after: number) => {
    const parents = staging.parents(row.id, after, chunk);
    // Past the last parent, the cursor goes to the end: what is left above it can only be children.
    const through = parents.at(-1)?.objectId ?? Number.MAX_SAFE_INTEGER;
    for (const parent of parents) {
      kind.apply(parent.record, staging.children(row.id, parent.objectId));
      staging.remove(row.id, parent.objectId);
    }
    repo.appliedThrough(row.id, through);
    // Shopify writes every parent a child names; a child left in the range means a shape this reader does not
    // know. It stays staged until the end.
    return {applied: parents.length, through, orphans: staging.childrenBetween(row.id, after, through)};
  });
  let applied = 0;
  for (let after = repo.get(row.id)!.applied_through; after < Number.MAX_SAFE_INTEGER;) {
    opts.signal?.throwIfAborted();
    const done = applyChunk(after);
    if (done.orphans > 0) deps.log('warn', 'backfill dropped child lines whose parent is not in the file', {shop, kind: row.kind, lines: done.orphans});
    applied += done.applied;
    after = done.through;
    await nextTurn();
  }
  await clearStaged(db, row.id, opts.signal);
  repo.finish(row.id, 'completed');
  return applied;
}

/** Deletes a backfill's staged lines in file order, a batch per transaction, yielding between batches. */
async function clearStaged(db: Db, backfillId: number, signal?: AbortSignal): Promise<void> {
  const staging = bulkStagingRepo(db);
  while (staging.clearSome(backfillId, CLEAR_BATCH) === CLEAR_BATCH) {
    signal?.throwIfAborted();
    await nextTurn();
  }
}

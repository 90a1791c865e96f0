import {readlinkSync} from 'node:fs';
import {getPriority, setPriority} from 'node:os';
import {parentPort, workerData} from 'node:worker_threads';
import type {Db} from '../../storage/open';
import {isShopFile, openShopDbReadOnly} from '../../storage/open';
import {ShopUnavailable} from '../../domain/errors';
import type {ReadReply, ReadRequest} from './read-ops';
import {readOps} from './read-ops';

// One read thread: read-only handles on shop files, one per shop asked recently, and the reads of read-ops.ts run
// on them one at a time. Never a write: the server's own handle (storage/open.ts ShopDbs) writes.

const {dataDir, maxHandles} = workerData as {dataDir: string; maxHandles: number};

/**
 * How much nicer than the process a read thread runs (capped at 19, the lowest priority). An admin read can
 * wait; a webhook's or a storefront request's turn of the event loop should not: on a machine with more runnable
 * threads than cores (the isolation bench's 2 cores) the scheduler shares the CPU per thread, so two busy read
 * threads took it from the loop they were meant to spare.
 */
const READ_THREAD_NICER = 10;

/**
 * Lowers this thread alone (Linux: setpriority on the thread's own id, read from /proc/thread-self as
 * `<pid>/task/<tid>`); where there is no such file the thread keeps the process's priority.
 */
function lowerPriority(): void {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return;
  }
  setPriority(tid, Math.min(19, getPriority(tid) + READ_THREAD_NICER));
}

lowerPriority();
const handles = new Map<string, {db: Db; dev: number; ino: number}>();

function forget(shop: string): void {
  handles.get(shop)?.db.close();
  handles.delete(shop);
}

/**
 * The shop's read-only handle, reopened when the file at its path is no longer the one it has open (a restore
 * replaced it), and ShopGone when there is none (redacted): one stat per read, as the server's own handles do.
 */
function handle(shop: string): Db {
  const held = handles.get(shop);
  handles.delete(shop);
  if (held && isShopFile(dataDir, shop, held)) {
    handles.set(shop, held);
    return held.db;
  }
  held?.db.close();
  const opened = openShopDbReadOnly(dataDir, shop);
  while (handles.size >= maxHandles) forget(handles.keys().next().value!);
  handles.set(shop, opened);
  return opened.db;
}

/** The typed arrays' buffers in a result, handed over rather than copied (a model page's columns). */
function buffers(result: unknown): ArrayBuffer[] {
  if (result === null || typeof result !== 'object') return [];
  const found: ArrayBuffer[] = [];
  for (const value of Object.values(result)) {
    if (value instanceof Float64Array) found.push(value.buffer as ArrayBuffer);
    else if (Array.isArray(value)) for (const v of value) if (v instanceof Float64Array) found.push(v.buffer as ArrayBuffer);
  }
  return found;
}

parentPort!.on('message', (request: ReadRequest) => {
  if ('forget' in request) return forget(request.forget);
  let reply: ReadReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const read = readOps[request.name] as (db: Db, ...args: unknown[]) => unknown;
    const result = read(handle(request.shop), ...request.args);
    reply = {id: request.id, result};
    transfer = buffers(result);
  } catch (err) {
    // A failure of the file closes the handle, so the next read opens the file anew (after a repair).
    const e = err as Error & {code?: string; reason?: string};
    if (err instanceof ShopUnavailable || (typeof e.code === 'string' && e.code.startsWith('SQLITE_'))) forget(request.shop);
    reply = {id: request.id, error: {name: e.name, message: err instanceof ShopUnavailable ? err.reason : e.message, code: e.code}};
  }
  parentPort!.postMessage(reply, transfer);
});

import {Worker} from 'node:worker_threads';
import {shopFileName} from '../../storage/open';
import type {ShopDomain} from '../../storage/shop-domain';
import {ReadsBusy, SchemaMismatch, ShopGone, ShopUnavailable} from '../../domain/errors';
import type {ReadArgs, ReadName, ReadReply, ReadRequest, ReadResult} from './read-ops';

interface Job {
  id: number;
  shop: ShopDomain;
  name: ReadName;
  args: unknown[];
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

interface Thread {
  worker: Worker;
  job: Job | null;
}

export interface ReadPoolOptions {
  /** Threads reading at once. */
  threads?: number;
  /** Reads waiting, all shops together, before a new one is refused (503). */
  maxWaiting?: number;
  /** Reads one shop may have waiting before its next is refused. */
  maxWaitingPerShop?: number;
  /** Read-only handles each thread keeps open (least recently used closed first). */
  maxHandles?: number;
  /** The thread's entry module (tests start one that fails). */
  entry?: URL;
}

/** How long a refused client is told to wait: a queue's worth of 2-5 ms reads drains well within it. */
const RETRY_AFTER_S = 1;

/**
 * The admin's heavy reads (Insights, product search, model pages: read-ops.ts) on worker threads with read-only
 * handles of their own, so the event loop every shop's webhooks and storefront requests wait on only sends a
 * message and takes the answer ([T]: beside a 10k-product shop's merchant these reads took 2-3 ms a call each on
 * the loop, and a model load 1-5 ms a page, which a small shop's requests waited behind).
 *
 * Fair between shops: each shop has its own queue, served in turn, and one shop has at most `threads - 1` reads
 * running, so another shop's read always finds a thread within one read. Bounded: a read beyond `maxWaiting`
 * (or `maxWaitingPerShop` for its shop) is refused with ReadsBusy (503, Retry-After) rather than queued.
 * Threads start on first use (or `start`) and keep the process alive only while they work. A thread that dies fails its
 * read; the next read starts another.
 */
export class ReadPool {
  private readonly threads: Thread[] = [];
  /** Waiting reads by shop; the Map's order is the order shops take their turns. */
  private readonly waiting = new Map<ShopDomain, Job[]>();
  private readonly running = new Map<ShopDomain, number>();
  private waitingCount = 0;
  private nextId = 0;
  private readonly maxThreads: number;
  private readonly maxWaiting: number;
  private readonly maxWaitingPerShop: number;
  private readonly maxHandles: number;
  private readonly entry: URL;

  constructor(
    private readonly dataDir: string,
    opts: ReadPoolOptions = {},
  ) {
    this.maxThreads = opts.threads ?? 2;
    this.maxWaiting = opts.maxWaiting ?? 256;
    this.maxWaitingPerShop = opts.maxWaitingPerShop ?? 32;
    this.maxHandles = opts.maxHandles ?? 16;
    this.entry = opts.entry ?? new URL('./read-thread.mjs', import.meta.url);
  }

  /**
   * Runs the read `name` on the shop's file, on a read thread. The file must exist and be migrated (the caller
   * has the shop's own handle from ShopDbs.get first). ReadsBusy when the queue is full.
   */
  run<K extends ReadName>(shop: ShopDomain, name: K, ...args: ReadArgs<K>): Promise<ReadResult<K>> {
    const queue = this.waiting.get(shop) ?? [];
    if (this.waitingCount >= this.maxWaiting || queue.length >= this.maxWaitingPerShop) {
      return Promise.reject(new ReadsBusy(`too many reads waiting${queue.length >= this.maxWaitingPerShop ? ' for this shop' : ''}: try again shortly`, RETRY_AFTER_S));
    }
    return new Promise((resolve, reject) => {
      queue.push({id: this.nextId++, shop, name, args, resolve: resolve as (result: unknown) => void, reject});
      if (!this.waiting.has(shop)) this.waiting.set(shop, queue);
      this.waitingCount += 1;
      this.dispatch();
    });
  }

  /**
   * Starts every thread now rather than at the first read. Each loads the server's TypeScript through tsx:
   * 1.5 s of CPU a thread on the shared 2-core machine, which, paid at the first admin read, stalled every shop
   * (isolation bench: small shop webhook p99 4.3 s in the run that paid it). The server starts them at start-up.
   */
  start(): void {
    while (this.threads.length < this.maxThreads) this.spawn();
  }

  /** Closes every thread's handle on the shop's file (it was replaced, failed or removed: ShopDbs' `dropped`). */
  forget(shop: ShopDomain): void {
    const request: ReadRequest = {forget: shop};
    for (const thread of this.threads) thread.worker.postMessage(request);
  }

  /** Stops the threads; reads still waiting or running fail. */
  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    for (const queue of this.waiting.values()) for (const job of queue) job.reject(new Error('the read pool closed'));
    this.waiting.clear();
    this.waitingCount = 0;
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private get perShopRunning(): number {
    return Math.max(1, this.maxThreads - 1);
  }

  private dispatch(): void {
    for (;;) {
      const shop = [...this.waiting.keys()].find((s) => (this.running.get(s) ?? 0) < this.perShopRunning);
      if (shop === undefined) return;
      const thread = this.threads.find((t) => t.job === null) ?? (this.threads.length < this.maxThreads ? this.spawn() : undefined);
      if (!thread) return;
      const queue = this.waiting.get(shop)!;
      const job = queue.shift()!;
      this.waitingCount -= 1;
      // The shop goes to the back of the turn order (or leaves it, with nothing left to wait).
      this.waiting.delete(shop);
      if (queue.length) this.waiting.set(shop, queue);
      this.running.set(shop, (this.running.get(shop) ?? 0) + 1);
      thread.job = job;
      thread.worker.ref();
      const request: ReadRequest = {id: job.id, shop: job.shop, name: job.name, args: job.args};
      thread.worker.postMessage(request);
    }
  }

  /** The job is over (answered or lost with its thread): its shop's running count drops and the next may start. */
  private finish(thread: Thread): Job | null {
    const job = thread.job;
    if (!job) return null;
    thread.job = null;
    const running = (this.running.get(job.shop) ?? 1) - 1;
    if (running > 0) this.running.set(job.shop, running);
    else this.running.delete(job.shop);
    return job;
  }

  private spawn(): Thread {
    const thread: Thread = {worker: new Worker(this.entry, {workerData: {dataDir: this.dataDir, maxHandles: this.maxHandles}}), job: null};
    thread.worker.unref();
    thread.worker.on('message', (reply: ReadReply) => {
      if (thread.job?.id !== reply.id) return;
      const job = this.finish(thread)!;
      thread.worker.unref();
      if ('error' in reply) job.reject(readError(job.shop, reply.error));
      else job.resolve(reply.result);
      this.dispatch();
    });
    const lost = (err: unknown) => {
      const index = this.threads.indexOf(thread);
      if (index < 0) return;
      this.threads.splice(index, 1);
      this.finish(thread)?.reject(err);
      this.dispatch();
    };
    thread.worker.on('error', lost);
    thread.worker.on('exit', (code) => lost(new Error(`read thread exited (${code})`)));
    this.threads.push(thread);
    return thread;
  }
}

/** A read thread's failure as the error the same read on the event loop would have thrown, so it gets the same answer. */
function readError(shop: ShopDomain, error: {name: string; message: string; code?: string}): Error {
  if (error.name === 'ShopGone') return new ShopGone(error.message);
  if (error.name === 'SchemaMismatch') return new SchemaMismatch(error.message);
  if (error.name === 'ShopUnavailable') return new ShopUnavailable(shop, shopFileName(shop), error.message);
  // SQLite's and Node's codes travel with it: errorHandler answers a file's fault with 503, as on the loop.
  return Object.assign(new Error(error.message), {name: error.name, code: error.code});
}

import type {TrainingQueueRepo} from '../../storage/repos/training-queue';
import type {ShopDomain} from '../../storage/shop-domain';
import type {Logger} from '../log';
import type {AddResult, QueuePosition, TrainingQueue, TrainingRunner} from './queue';
import {ShopWaiters} from './shop-waiters';

/** How many times an entry may be started: an interrupted run is retried once, not forever (a run that kills the server). */
const MAX_ATTEMPTS = 2;

export interface InProcessQueueOptions {
  /** The queue's rows in app.db. */
  store: TrainingQueueRepo;
  /** Runs at once, all shops together. */
  concurrency: number;
  run: TrainingRunner;
  log: Logger;
}

/**
 * The training queue of a single host: entries in app.db (training_queue), runs started in this process up to
 * `concurrency` at a time, the lowest waiting `seq` first.
 */
export function createInProcessQueue(opts: InProcessQueueOptions): TrainingQueue {
  const {store, log} = opts;
  /** Runs this process started and has not seen end; a 'running' row not in here was left by a stopped server. */
  const mine = new Set<ShopDomain>();
  const waiters = new ShopWaiters();
  const left = (shop: ShopDomain) => waiters.left(shop);

  const position = (shop: ShopDomain): QueuePosition | null => {
    const entry = store.get(shop);
    if (!entry) return null;
    return entry.state === 'running' ? {state: 'running'} : {state: 'queued', ahead: store.ahead(entry)};
  };

  const finish = (shop: ShopDomain) => {
    mine.delete(shop);
    try {
      store.remove(shop);
    } catch (err) {
      // app.db is closed: the server is stopping, and the row stays for the next start to retry.
      log('warn', 'training queue: could not remove a finished run', {shop, error: String(err)});
    }
    left(shop);
    pump();
  };

  /** Starts waiting entries while slots are free; a shop whose run cannot start is dropped alone. */
  const pump = () => {
    while (mine.size < opts.concurrency) {
      let entry;
      try {
        entry = store.next();
      } catch {
        return; // app.db is closed: the server is stopping
      }
      if (!entry) return;
      const shop = entry.shop;
      if (!store.claim(shop)) return;
      mine.add(shop);
      let done: Promise<void>;
      try {
        done = opts.run(shop);
      } catch (err) {
        log('warn', 'training could not start', {shop, error: String(err)});
        finish(shop);
        continue;
      }
      done.catch((err) => log('warn', 'training run failed', {shop, error: String(err)})).finally(() => finish(shop));
    }
  };

  return {
    add(shop): AddResult {
      if (!store.add(shop)) return {added: false, position: position(shop)!};
      pump();
      return {added: true, position: position(shop)};
    },
    position,
    remove(shop) {
      if (store.removeQueued(shop)) left(shop);
    },
    settled: (shop) => waiters.settled(shop, store.get(shop) !== undefined),
    resume() {
      for (const entry of store.running()) {
        if (mine.has(entry.shop)) continue;
        if (entry.attempts >= MAX_ATTEMPTS) {
          log('warn', 'training interrupted again by a restart: not retried', {shop: entry.shop, attempts: entry.attempts});
          store.remove(entry.shop);
          left(entry.shop);
        } else {
          log('info', 'training interrupted by a restart: retried', {shop: entry.shop});
          store.requeue(entry.shop);
        }
      }
      pump();
    },
    running: () => mine.size,
  };
}

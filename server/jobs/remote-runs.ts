import {existsSync} from 'node:fs';
import {Readable} from 'node:stream';
import {createGzip} from 'node:zlib';
import {csvField} from '../../domain/csv';
import {readModelFiles} from '../../storage/model-files';
import type {ModelFiles} from '../../storage/model-files';
import type {Db, ShopDbs} from '../../storage/open';
import {openShopDbUnmigrated, shopDbPath} from '../../storage/open';
import {knownProductsRepo} from '../../storage/repos/known-products';
import {modelWriter} from '../../storage/repos/model-writer';
import {trainRunsRepo} from '../../storage/repos/train-runs';
import {trainingDataRepo} from '../../storage/repos/training-data';
import type {ShopDomain} from '../../storage/shop-domain';
import type {Logger} from '../log';
import {remoteQueueRepo} from '../../storage/repos/training-queue-remote';
import {createBullmqQueue} from './queue-bullmq';
import {firstStranger} from './result-products';
import type {RemoteQueue} from './queue-bullmq';

/** A refusal of a worker's call: the HTTP status and why, for the worker's log. */
export type Refusal = {ok: false; status: number; reason: string};

export interface RemoteRunsOptions {
  dataDir: string;
  shopDbs: ShopDbs;
  queue: RemoteQueue;
  log: Logger;
  /** After a remote run published a new model: the metafields, as after a local run. */
  published(shop: ShopDomain): Promise<unknown>;
}

/** The trainer's input columns (contracts: "Files the trainer reads and writes"). */
const ORDERS_HEADER = 'order_id,product_id,created_at';
const PRODUCTS_HEADER = 'product_id,title,product_type,vendor,tags,description,price,available';
/** Rows per chunk handed to gzip: large enough that the stream's overhead is small, small enough to hold little. */
const ROWS_PER_CHUNK = 2_000;

/**
 * The app host's side of a run on a worker: an attempt starts (a train_runs row; the entry marked running on
 * that worker), the worker reads the shop's input as the trainer's CSV contract, reports progress, and uploads
 * the result, which is checked and published by the model writer in one transaction, exactly as DB mode
 * publishes. A result is accepted only from the entry's current attempt, and only when no newer input has
 * been published meanwhile: run ids grow in the order runs read their input.
 */
export function createRemoteRuns(opts: RemoteRunsOptions) {
  const {queue, log} = opts;
  const shopFile = (shop: ShopDomain): Db | null => (existsSync(shopDbPath(opts.dataDir, shop)) ? opts.shopDbs.get(shop) : null);

  /** The entry's current attempt, when `runId` is it; else why not. */
  const current = (shop: ShopDomain, runId: number): {ok: true; db: Db; seq: number; worker: string} | Refusal => {
    const e = queue.entry(shop);
    if (!e || e.state !== 'running' || e.runId !== runId) {
      return {ok: false, status: 409, reason: `run ${runId} is not ${shop}'s current training attempt (retried elsewhere, refused before, or the shop left the queue)`};
    }
    const db = shopFile(shop);
    if (!db) return {ok: false, status: 410, reason: `${shop} has no data (uninstalled and redacted)`};
    return {ok: true, db, seq: e.seq, worker: e.worker ?? 'unnamed'};
  };

  /** Ends the entry's attempt as failed and takes the shop out of the queue: a result that can never be published. */
  const refuse = (shop: ShopDomain, db: Db, seq: number, runId: number, status: number, reason: string): Refusal => {
    trainRunsRepo(db).fail(runId, `result refused: ${reason}`);
    queue.finish(shop, seq);
    log('warn', 'training result refused', {shop, runId, reason});
    return {ok: false, status, reason};
  };

  return {
    /** A worker took the shop's job: a new attempt, the one before it (a worker that stopped) marked failed. */
    begin(shop: ShopDomain, seq: number, worker: string): {ok: true; runId: number} | Refusal {
      const e = queue.entry(shop);
      if (!e || e.seq !== seq) return {ok: false, status: 410, reason: `${shop} has no queue entry ${seq} (done, or removed)`};
      const db = shopFile(shop);
      if (!db) {
        queue.finish(shop, seq);
        return {ok: false, status: 410, reason: `${shop} has no data (uninstalled and redacted)`};
      }
      const runs = trainRunsRepo(db);
      for (const stale of runs.running()) runs.fail(stale.id, e.worker ? `worker ${e.worker} stopped before finishing: retried on ${worker}` : 'interrupted');
      const runId = runs.start();
      runs.progress(runId, `fetch (worker ${worker})`, 0);
      if (!queue.claim(shop, seq, worker, runId)) {
        runs.fail(runId, 'the shop left the queue as the run started');
        return {ok: false, status: 410, reason: `${shop} left the queue`};
      }
      log('info', 'training on a worker', {shop, runId, worker, attempt: e.attempts + 1});
      return {ok: true, runId};
    },

    /** The shop's orders or products as the trainer reads them, gzip, streamed from a connection of its own. */
    input(shop: ShopDomain, runId: number, file: 'orders' | 'products'): {ok: true; stream: Readable} | Refusal {
      const at = current(shop, runId);
      if (!at.ok) return at;
      // Its own read connection, as the trainer's in DB mode: a long read never holds the serving handle busy.
      const db = openShopDbUnmigrated(opts.dataDir, shop);
      const data = trainingDataRepo(db);
      const lines: Iterator<string> =
        file === 'orders'
          ? (function* () {
              yield ORDERS_HEADER;
              for (const l of data.orderLines()) yield `${l.orderId},${l.productId},${l.createdAt}`;
            })()
          : (function* () {
              yield PRODUCTS_HEADER;
              for (const p of data.productTexts()) {
                yield [p.productId, p.title, p.productType, p.vendor, p.tags, p.description, p.price ?? '', p.available ? 1 : 0].map(csvField).join(',');
              }
            })();
      const rows = new Readable({
        read() {
          const chunk: string[] = [];
          for (let r = lines.next(); !r.done; r = lines.next()) {
            chunk.push(r.value);
            if (chunk.length === ROWS_PER_CHUNK) break;
          }
          if (chunk.length) this.push(chunk.join('\n') + '\n');
          if (chunk.length < ROWS_PER_CHUNK) this.push(null);
        },
        destroy(err, cb) {
          lines.return?.(undefined);
          db.close();
          cb(err);
        },
      });
      rows.on('end', () => rows.destroy());
      return {ok: true, stream: rows.pipe(createGzip())};
    },

    progress(shop: ShopDomain, runId: number, stage: string, fraction: number): {ok: true} | Refusal {
      const at = current(shop, runId);
      if (!at.ok) return at;
      trainRunsRepo(at.db).progress(runId, `${stage} (worker ${at.worker})`, Math.min(1, Math.max(0, fraction)));
      return {ok: true};
    },

    /** The attempt failed on the worker; BullMQ may give the job another attempt, which starts a new run. */
    failed(shop: ShopDomain, runId: number, error: string): {ok: true} | Refusal {
      const at = current(shop, runId);
      if (!at.ok) return at;
      trainRunsRepo(at.db).fail(runId, `on worker ${at.worker}: ${error.slice(0, 2_000)}`);
      return {ok: true};
    },

    /**
     * The result: checked whole, then published in one transaction (the run marked published in it), then the
     * metafields. A second upload of a published run (the worker missed the answer) is answered as the first.
     */
    async accept(shop: ShopDomain, runId: number, files: ModelFiles): Promise<{ok: true; version: number} | Refusal> {
      const db = shopFile(shop);
      const already = db && trainRunsRepo(db).get(runId);
      if (already?.status === 'published' && already.version !== null) return {ok: true, version: already.version};
      const at = current(shop, runId);
      if (!at.ok) return at;
      const read = readModelFiles(files);
      if (!read.valid) return refuse(shop, at.db, at.seq, runId, 422, read.reason);
      const known = knownProductsRepo(at.db);
      const stranger = firstStranger(read.input, known.has);
      if (stranger) return refuse(shop, at.db, at.seq, runId, 422, `${stranger.where}: product ${stranger.id} is not a product of ${shop}`);
      const newer = trainRunsRepo(at.db).activeRun();
      if (newer !== null && newer > runId) {
        return refuse(shop, at.db, at.seq, runId, 409, `stale result: the active model was trained on newer input (run ${newer}, this run ${runId})`);
      }
      const version = modelWriter(at.db).publish({...read.input, report: {...read.input.report, worker: at.worker}, runId});
      log('info', 'training result published', {shop, runId, version, worker: at.worker});
      try {
        await opts.published(shop);
      } catch (err) {
        log('warn', 'after training: publish failed', {shop, error: String(err)});
      }
      queue.finish(shop, at.seq);
      return {ok: true, version};
    },

    /** BullMQ gave up on the entry's job (attempts spent, or stalled too often): its run is failed. */
    gaveUp(shop: ShopDomain, runId: number | null, reason: string): void {
      const db = runId === null ? null : shopFile(shop);
      if (db && runId !== null) trainRunsRepo(db).fail(runId, `training queue gave up: ${reason}`);
    },
  };
}

export type RemoteRuns = ReturnType<typeof createRemoteRuns>;

export interface WorkerTrainingOptions {
  url: string;
  appDb: Db;
  dataDir: string;
  shopDbs: ShopDbs;
  log: Logger;
  published(shop: ShopDomain): Promise<unknown>;
}

/** PAIRWISE_QUEUE's training: the BullMQ queue and the app host's side of the runs its workers make. */
export function createWorkerTraining(o: WorkerTrainingOptions): {queue: RemoteQueue; runs: RemoteRuns} {
  let runs: RemoteRuns | undefined;
  const queue = createBullmqQueue({url: o.url, store: remoteQueueRepo(o.appDb), log: o.log, onGaveUp: (e, reason) => runs?.gaveUp(e.shop, e.runId, reason)});
  runs = createRemoteRuns({dataDir: o.dataDir, shopDbs: o.shopDbs, queue, log: o.log, published: o.published});
  return {queue, runs};
}

import {Queue, QueueEvents} from 'bullmq';
import {Redis} from 'ioredis';
import {parseTrainingJobId, TRAINING_QUEUE_NAME, trainingJobId} from '../../domain/training-job';
import type {TrainingJobData} from '../../domain/training-job';
import type {RemoteQueueEntry, RemoteQueueRepo} from '../../storage/repos/training-queue-remote';
import {TRAINING_PRIORITY} from '../../storage/repos/training-queue-remote';
import type {ShopDomain} from '../../storage/shop-domain';
import type {Logger} from '../log';
import type {AddResult, QueuePosition, TrainingQueue} from './queue';
import {ShopWaiters} from './shop-waiters';

/** How often the host re-sends its entries to Redis: a Redis restarted without its data gets them back. */
const RESEND_MS = 30_000;

/**
 * Attempts BullMQ gives a job: a trainer that failed (or a host that answered 5xx) once more on another worker.
 * A worker that dies mid-job is not an attempt: its lock expires and the job is retried (stalled-job handling).
 */
const JOB_ATTEMPTS = 2;

export interface BullmqQueueOptions {
  /** `redis://host:port` (PAIRWISE_QUEUE). */
  url: string;
  /** The app host's record of each entry (training_queue in app.db). */
  store: RemoteQueueRepo;
  log: Logger;
  /** BullMQ gave up on a job (its attempts are spent): the entry's run is marked failed with why. */
  onGaveUp(entry: RemoteQueueEntry, reason: string): void;
}

/** The BullMQ training queue, and what the internal endpoints need of it. */
export interface RemoteQueue extends TrainingQueue {
  /** The shop's entry, or undefined when it is in no queue. */
  entry(shop: ShopDomain): RemoteQueueEntry | undefined;
  /** A worker takes the entry `seq` (again, when the worker that held it stopped); false when it is gone. */
  claim(shop: ShopDomain, seq: number, worker: string, runId: number): boolean;
  /** The entry's run ended (published, refused or given up): the shop leaves the queue. */
  finish(shop: ShopDomain, seq: number): void;
  close(): Promise<void>;
}

/**
 * Trainings handed to workers on other hosts through BullMQ on Redis. The app host keeps its own record of
 * every entry (training_queue), so it answers at once and keeps serving while Redis is away; each entry is
 * sent to Redis as one job (job id: seq and shop, so a re-send is no second job), ordered by priority then
 * arrival. Nothing trains here: workers (`npm run worker`) take the jobs and call back over /internal/*.
 */
export function createBullmqQueue(opts: BullmqQueueOptions): RemoteQueue {
  const {store, log} = opts;
  // Adds fail at once while Redis is down (no offline buffer): the entry waits in app.db and is re-sent.
  const retryStrategy = (times: number) => Math.min(times * 250, 2_000);
  const connection = new Redis(opts.url, {maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy});
  const queue = new Queue<TrainingJobData>(TRAINING_QUEUE_NAME, {connection});
  const events = new QueueEvents(TRAINING_QUEUE_NAME, {connection: {url: opts.url, maxRetriesPerRequest: null, retryStrategy}});
  let down: string | null = 'connecting to the training queue';
  const waiters = new ShopWaiters();
  const left = (shop: ShopDomain) => waiters.left(shop);

  const send = (e: Pick<RemoteQueueEntry, 'shop' | 'seq' | 'priority'>) => {
    if (down) return Promise.resolve();
    const data = {shop: e.shop, seq: e.seq};
    return queue
      .add('train', data, {jobId: trainingJobId(data), priority: e.priority, attempts: JOB_ATTEMPTS, backoff: {type: 'fixed', delay: 2_000}, removeOnComplete: true, removeOnFail: true})
      .then(
        () => undefined,
        (err) => log('warn', 'training queue: could not send an entry to Redis (re-sent when it is back)', {shop: e.shop, error: String(err)}),
      );
  };

  /** Every entry again: waiting ones, and running ones whose job Redis may have lost; a job that exists is left as it is. */
  const resend = async () => {
    let entries: RemoteQueueEntry[];
    try {
      entries = store.all();
    } catch {
      return; // app.db is closed: the server is stopping
    }
    for (const e of entries) await send(e);
  };

  connection.on('ready', () => {
    if (down) log('info', 'training queue: Redis is reachable, trainings resume', {url: redacted(opts.url)});
    down = null;
    void resend();
  });
  connection.on('error', (err) => {
    if (!down) log('warn', 'training queue: Redis is unreachable, trainings are paused', {error: String(err)});
    down = `training is paused: the training queue (Redis) is unreachable (${err.message})`;
  });
  connection.on('close', () => {
    down ??= 'training is paused: the training queue (Redis) is unreachable';
  });
  // Errors of the queue and its event stream are the connection's, reported above; unhandled they would throw.
  queue.on('error', () => {});
  events.on('error', () => {});
  events.on('failed', ({jobId, failedReason}) => {
    const job = parseTrainingJobId(jobId);
    const e = job && store.get(job.shop as ShopDomain);
    if (!e || e.seq !== job.seq) return;
    opts.onGaveUp(e, failedReason);
    finish(e.shop, e.seq);
  });
  const timer = setInterval(() => void resend(), RESEND_MS);
  timer.unref();

  const position = (shop: ShopDomain): QueuePosition | null => {
    const e = store.get(shop);
    if (!e) return null;
    return e.state === 'running' ? {state: 'running', ...(e.worker ? {worker: e.worker} : {})} : {state: 'queued', ahead: store.ahead(e)};
  };

  const finish = (shop: ShopDomain, seq: number) => {
    try {
      store.remove(shop, seq);
    } catch (err) {
      log('warn', 'training queue: could not remove a finished entry', {shop, error: String(err)});
    }
    if (!store.get(shop)) left(shop);
  };

  return {
    add(shop, priority = 'schedule'): AddResult {
      if (!store.add(shop, TRAINING_PRIORITY[priority])) return {added: false, position: position(shop)!};
      void send(store.get(shop)!);
      return {added: true, position: position(shop)};
    },
    position,
    remove(shop) {
      const e = store.get(shop);
      if (!e || !store.removeQueued(shop)) return;
      left(shop);
      if (!down) void queue.remove(trainingJobId({shop, seq: e.seq})).catch(() => {});
    },
    settled: (shop) => waiters.settled(shop, store.get(shop) !== undefined),
    resume() {
      void resend();
    },
    running: () => store.all().filter((e) => e.state === 'running').length,
    paused: () => down,
    entry: (shop) => store.get(shop),
    claim: (shop, seq, worker, runId) => store.claim(shop, seq, worker, runId),
    finish,
    async close() {
      clearInterval(timer);
      await Promise.allSettled([queue.close(), events.close()]);
      connection.disconnect();
    },
  };
}

/** The URL without a password, for logs. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return 'redis://?';
  }
}

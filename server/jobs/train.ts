import {spawn} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {getPriority, setPriority} from 'node:os';
import {createInterface} from 'node:readline';
import {trainRunsRepo} from '../../storage/repos/train-runs';
import {openShopDb} from '../../storage/open';
import type {ShopDomain} from '../../storage/shop-domain';
import type {Logger} from '../log';
import type {QueuePosition, TrainingPriority, TrainingQueue, TrainingRunner} from './queue';
import {trainerEntry} from './trainer-bundle';
import {parseProgressLine} from '../../domain/progress';

/**
 * Training runs in a child process (the trainer's built bundle, `--shop`), so minutes of CPU never block the
 * server's event loop and a crash in training cannot take the server down. Every run waits in the training
 * queue (queue.ts) for one of its slots, all shops together; the child's JSON progress lines are copied into
 * `train_runs` for the admin page.
 */

/** How much lower than the server a training run is scheduled: its minutes of CPU must not slow storefront and webhook requests. */
export const TRAINER_NICENESS = 10;

/**
 * Set as soon as the child exists: the trainer's threads (workers, the thread pool) are started later and inherit
 * it (on Linux niceness is per thread). Relative to the server's own niceness, so a server started with `nice 15`
 * does not see its trainer raised above it; 19 is the lowest priority there is.
 */
function lowerPriority(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    setPriority(child.pid, Math.min(19, getPriority() + TRAINER_NICENESS));
  } catch {
    // Not permitted on this host: training still runs, at the server's priority.
  }
}

/** Started now (a slot was free), waiting in the queue, or refused (already queued or running, shop gone). */
export type StartResult =
  | {started: true; runId: number}
  | {started: false; queued: true; ahead: number; reason: string}
  | {started: false; queued?: undefined; reason: string};

/** The one way a training starts, whoever starts it. */
export interface Training {
  start(shop: ShopDomain, priority?: TrainingPriority): StartResult;
  /** Where the shop's run stands in the queue ("queued, 3 ahead"), or null when it has none queued or running. */
  position(shop: ShopDomain): QueuePosition | null;
  /** Resolves when the shop's queued or current run has ended, and what followed a publish is done (at once when none). */
  done(shop: ShopDomain): Promise<void>;
  /** Takes the shop's run out of the queue or stops it (shop/redact), and resolves once the trainer has exited. */
  stop(shop: ShopDomain): Promise<void>;
  /** Start-up: runs queued or interrupted by the previous server's stop are taken up again. */
  resume(): void;
  /** Why trainings cannot start now (Redis is unreachable), or null. */
  paused?(): string | null;
}

export interface TrainingOptions {
  dataDir: string;
  log: Logger;
  /** The queue that decides when each run starts, given what runs one. */
  queue(run: TrainingRunner): TrainingQueue;
  /** After a run published a new model: what must follow it (the metafields for the storefront's first paint). */
  published(shop: ShopDomain): Promise<unknown>;
  /** Extra environment for the trainer (tests: fault injection). */
  env?: Record<string, string>;
}

export function createTraining(opts: TrainingOptions): Training {
  const children = new Map<ShopDomain, ChildProcess>();
  const runIds = new Map<ShopDomain, number>();
  const startErrors = new Map<ShopDomain, string>();

  /** Spawns the shop's trainer; resolves when it has exited and a published model's metafields are pushed. */
  const run: TrainingRunner = (shop) => {
    let entry, db;
    try {
      entry = trainerEntry();
      db = openShopDb(opts.dataDir, shop, {mustExist: true});
    } catch (err) {
      startErrors.set(shop, err instanceof Error ? err.message : String(err));
      throw err;
    }
    const runs = trainRunsRepo(db);
    // A 'running' row no child of this server owns was left by a server that stopped mid-run.
    for (const stale of runs.running()) runs.fail(stale.id, 'interrupted: the server restarted during the run');
    const runId = runs.start();
    runIds.set(shop, runId);
    const child = spawn(process.execPath, [entry, '--shop', shop, '--data-dir', opts.dataDir, '--run-id', String(runId)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, ...opts.env},
    });
    children.set(shop, child);
    lowerPriority(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    createInterface({input: child.stdout}).on('line', (line) => {
      // Anything else on stdout (the trainer prints nothing else, but a dependency might) is skipped.
      const v = parseProgressLine(line);
      if (v) runs.progress(runId, v.stage, v.progress);
    });
    const exited = new Promise<boolean>((resolve) => {
      child.on('close', (code, signal) => {
        if (code !== 0) {
          const why = signal ? `killed by ${signal}` : `exit code ${code}`;
          const last = stderr.trim().split('\n').slice(-1)[0] ?? '';
          runs.fail(runId, `trainer ${why}${last ? `: ${last}` : ''}`);
        }
        const published = runs.get(runId)?.status === 'published';
        db.close();
        children.delete(shop);
        runIds.delete(shop);
        resolve(published);
      });
    });
    return exited
      .then((published) => (published ? opts.published(shop) : undefined))
      .then(
        () => undefined,
        (err) => opts.log('warn', 'after training: publish failed', {shop, error: String(err)}),
      );
  };

  const queue = opts.queue(run);

  const start = (shop: ShopDomain, priority?: TrainingPriority): StartResult => {
    startErrors.delete(shop);
    const added = queue.add(shop, priority);
    const at = added.position;
    if (!added.added) {
      if (added.position.state === 'running') return {started: false, reason: 'a training run is already in progress for this shop'};
      return {started: false, reason: `a training run is already queued for this shop (${added.position.ahead} ahead)`};
    }
    if (at?.state === 'running') return {started: true, runId: runIds.get(shop)!};
    if (at?.state === 'queued') return {started: false, queued: true, ahead: at.ahead, reason: `queued, ${at.ahead} ahead`};
    return {started: false, reason: startErrors.get(shop) ?? 'the training run ended as it started'};
  };

  return {
    start,
    position: (shop) => queue.position(shop),
    done: (shop) => queue.settled(shop),
    stop: (shop) => {
      queue.remove(shop);
      children.get(shop)?.kill('SIGKILL');
      return queue.settled(shop);
    },
    resume: () => queue.resume(),
    paused: () => queue.paused?.() ?? null,
  };
}

import {spawn} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {getPriority, setPriority} from 'node:os';
import {createInterface} from 'node:readline';
import {trainRunsRepo} from '../../storage/repos/models';
import {openShopDb} from '../../storage/open';
import type {ShopDomain} from '../../storage/shop-domain';
import type {Logger} from '../log';
import {trainerEntry} from './trainer-bundle';

/**
 * Training runs in a child process (the trainer's built bundle, `--shop`), so minutes of CPU never block the
 * server's event loop and a crash in training cannot take the server down. One run per shop at a time; the
 * child's JSON progress lines are copied into `train_runs` for the admin page.
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

export type StartResult = {started: true; runId: number} | {started: false; reason: string};

/** The one way a training starts, whoever starts it. */
export interface Training {
  start(shop: ShopDomain): StartResult;
  /** Resolves when the shop's current run has ended, and what followed a publish is done (at once when none is running). */
  done(shop: ShopDomain): Promise<void>;
  /** Stops the shop's run, if any (shop/redact), and resolves once the trainer has exited. */
  stop(shop: ShopDomain): Promise<void>;
}

export interface TrainingOptions {
  dataDir: string;
  log: Logger;
  /** After a run published a new model: what must follow it (the metafields for the storefront's first paint). */
  published(shop: ShopDomain): Promise<unknown>;
  /** Extra environment for the trainer (tests: fault injection). */
  env?: Record<string, string>;
}

export function createTraining(opts: TrainingOptions): Training {
  const running = new Map<ShopDomain, Promise<void>>();
  const children = new Map<ShopDomain, ChildProcess>();

  const start = (shop: ShopDomain): StartResult => {
    if (running.has(shop)) return {started: false, reason: 'a training run is already in progress for this shop'};
    const entry = trainerEntry();
    const db = openShopDb(opts.dataDir, shop, {mustExist: true});
    const runs = trainRunsRepo(db);
    // A 'running' row no child of this server owns was left by a server that stopped mid-run.
    for (const stale of runs.running()) runs.fail(stale.id, 'interrupted: the server restarted during the run');
    const runId = runs.start();
    const child = spawn(process.execPath, [entry, '--shop', shop, '--data-dir', opts.dataDir, '--run-id', String(runId)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, ...opts.env},
    });
    lowerPriority(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    createInterface({input: child.stdout}).on('line', (line) => {
      try {
        const v = JSON.parse(line) as {type?: string; stage?: unknown; progress?: unknown};
        if (v.type === 'progress' && typeof v.stage === 'string' && typeof v.progress === 'number') runs.progress(runId, v.stage, v.progress);
      } catch {
        // Not a progress line: the trainer prints nothing else on stdout, but a dependency might.
      }
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
        resolve(published);
      });
    });
    const done = exited
      .then((published) => (published ? opts.published(shop) : undefined))
      .then(
        () => undefined,
        (err) => opts.log('warn', 'after training: publish failed', {shop, error: String(err)}),
      )
      .finally(() => running.delete(shop));
    running.set(shop, done);
    children.set(shop, child);
    return {started: true, runId};
  };

  return {
    start,
    done: (shop) => running.get(shop) ?? Promise.resolve(),
    stop: (shop) => {
      children.get(shop)?.kill('SIGKILL');
      return running.get(shop) ?? Promise.resolve();
    },
  };
}

import {spawn} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {setPriority} from 'node:os';
import {createInterface} from 'node:readline';
import {trainRunsRepo} from '../../storage/repos/models';
import {openShopDb} from '../../storage/open';
import {trainerEntry} from './trainer-bundle';
import type {ShopDomain} from '../../storage/shop-domain';

/**
 * Training runs in a child process (the trainer's built bundle, `--shop`), so minutes of CPU never block the server's
 * event loop and a crash in training cannot take the server down. One run per shop at a time; the child's
 * JSON progress lines are copied into `train_runs` for the admin page.
 */

const running = new Map<ShopDomain, Promise<void>>();
const children = new Map<ShopDomain, ChildProcess>();

/** Niceness of a training run: minutes of CPU on every core must not slow the storefront and webhook requests. */
export const TRAINER_NICENESS = 10;

/**
 * Set as soon as the child exists: the trainer's threads (workers, the thread pool) are started later and inherit
 * it (on Linux niceness is per thread). Where it is not permitted, the run goes on at normal priority.
 */
function lowerPriority(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    setPriority(child.pid, TRAINER_NICENESS);
  } catch {
    // Not permitted on this host: training still runs, at the server's priority.
  }
}

export type StartResult = {started: true; runId: number} | {started: false; reason: string};

/** Resolves when the shop's current run has ended (at once when none is running). */
export function trainingDone(shop: ShopDomain): Promise<void> {
  return running.get(shop) ?? Promise.resolve();
}

/** Stops the shop's run, if any (shop/redact), and resolves once the trainer has exited. */
export function stopTraining(shop: ShopDomain): Promise<void> {
  children.get(shop)?.kill('SIGKILL');
  return trainingDone(shop);
}

export function startTraining(dataDir: string, shop: ShopDomain, extraEnv: Record<string, string> = {}): StartResult {
  if (running.has(shop)) return {started: false, reason: 'a training run is already in progress for this shop'};
  const entry = trainerEntry();
  const db = openShopDb(dataDir, shop, {mustExist: true});
  const runs = trainRunsRepo(db);
  // A 'running' row no child of this server owns was left by a server that stopped mid-run.
  for (const stale of runs.running()) runs.fail(stale.id, 'interrupted: the server restarted during the run');
  const runId = runs.start();
  const child = spawn(process.execPath, [entry, '--shop', shop, '--data-dir', dataDir, '--run-id', String(runId)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, ...extraEnv},
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
  const done = new Promise<void>((resolve) => {
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        const last = stderr.trim().split('\n').slice(-1)[0] ?? '';
        runs.fail(runId, `trainer ${why}${last ? `: ${last}` : ''}`);
      }
      db.close();
      running.delete(shop);
      children.delete(shop);
      resolve();
    });
  });
  running.set(shop, done);
  children.set(shop, child);
  return {started: true, runId};
}

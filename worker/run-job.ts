import {spawn} from 'node:child_process';
import {createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {createInterface} from 'node:readline';
import {gzipSync} from 'node:zlib';
import {parseProgressLine} from '../domain/progress';
import {INTERNAL_PATHS, RESULT_FILES} from '../domain/training-job';
import type {TrainingJobData} from '../domain/training-job';
import {AppHost, HostRefused} from './app-host';
import {productOrdersCsv} from './product-orders';

export interface JobContext {
  host: AppHost;
  /** This worker's name, shown in the admin ("running on worker X"). */
  worker: string;
  /** The trainer bundle's entry (dist/trainer/<hash>/main.mjs). */
  trainer: string;
  /** Where each job's input and output folders are made (and removed after). */
  scratch: string;
  /** Extra trainer arguments (`--threads N`). */
  trainerArgs: string[];
  /** Trainer progress is sent at most this often. */
  progressEveryMs?: number;
}

export type JobOutcome = {state: 'published'; runId: number; version: number} | {state: 'gone'; reason: string};

/** The trainer failed on bad input (exit 2): the same input fails again on any worker. */
export class BadInput extends Error {}

/**
 * One training job on this worker: the app host opens an attempt, the shop's input is downloaded as the
 * trainer's CSV contract, the trainer runs in CSV mode as a child process, and its output files are uploaded
 * for the app host to check and publish. Nothing of the shop is kept here after the job.
 */
export async function runJob(ctx: JobContext, job: TrainingJobData): Promise<JobOutcome> {
  const q = (run: number) => `shop=${encodeURIComponent(job.shop)}&run=${run}`;
  let runId: number;
  try {
    runId = ((await (await ctx.host.post(INTERNAL_PATHS.begin, {shop: job.shop, seq: job.seq, worker: ctx.worker})).json()) as {runId: number}).runId;
  } catch (err) {
    // The entry is gone (done, removed, shop redacted): the job has nothing left to do.
    if (err instanceof HostRefused && err.status === 410) return {state: 'gone', reason: err.message};
    throw err;
  }
  const dir = mkdtempSync(join(ctx.scratch, 'pairwise-job-'));
  try {
    const orders = join(dir, 'orders.csv.gz');
    const products = join(dir, 'products.csv.gz');
    for (const [file, path] of [['orders', orders], ['products', products]] as const) {
      const res = await ctx.host.request('GET', `${INTERNAL_PATHS.input}?${q(runId)}&file=${file}`);
      await pipeline(Readable.fromWeb(res.body! as import('node:stream/web').ReadableStream), createWriteStream(path));
    }
    const out = join(dir, 'out');
    await train(ctx, [ctx.trainer, '--orders', orders, '--products', products, '--out', out, ...ctx.trainerArgs], (stage, progress) =>
      ctx.host.post(INTERNAL_PATHS.progress, {shop: job.shop, run: runId, stage, progress}),
    );
    const files: Record<string, string> = {'product_orders.csv': await productOrdersCsv(orders, products)};
    for (const name of RESULT_FILES) {
      if (name !== 'product_orders.csv' && existsSync(join(out, name))) files[name] = readFileSync(join(out, name), 'utf8');
    }
    const body = gzipSync(JSON.stringify({files}));
    const res = await ctx.host.request('POST', `${INTERNAL_PATHS.result}?${q(runId)}`, body, 'application/gzip');
    return {state: 'published', runId, version: ((await res.json()) as {version: number}).version};
  } catch (err) {
    // The attempt's run row says why; the host refusing the result has already ended it there.
    if (!(err instanceof HostRefused)) {
      await ctx.host.post(INTERNAL_PATHS.failed, {shop: job.shop, run: runId, error: err instanceof Error ? err.message : String(err)}).catch(() => {});
    }
    throw err;
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

/** Runs the trainer; its progress lines go to `report` (at most one in flight, the latest wins). */
function train(ctx: JobContext, args: string[], report: (stage: string, progress: number) => Promise<unknown>): Promise<void> {
  const every = ctx.progressEveryMs ?? 1_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe']});
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let last = 0;
    let sending = false;
    createInterface({input: child.stdout}).on('line', (line) => {
      const v = parseProgressLine(line);
      const now = Date.now();
      if (!v || sending || now - last < every) return;
      last = now;
      sending = true;
      report(v.stage, v.progress)
        .catch(() => {}) // progress is for the admin page; a lost one is not worth failing a training
        .finally(() => (sending = false));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      const lastLine = stderr.trim().split('\n').slice(-1)[0] ?? '';
      const err = `trainer ${why}${lastLine ? `: ${lastLine}` : ''}`;
      reject(code === 2 ? new BadInput(err) : new Error(err));
    });
  });
}

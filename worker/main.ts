import {hostname, tmpdir} from 'node:os';
import {parseArgs} from 'node:util';
import {UnrecoverableError, Worker} from 'bullmq';
import {Redis} from 'ioredis';
import {z} from 'zod';
import {TRAINING_QUEUE_NAME} from '../domain/training-job';
import type {TrainingJobData} from '../domain/training-job';
import {trainerEntry} from '../server/jobs/trainer-bundle';
import {AppHost, HostRefused} from './app-host';
import {BadInput, runJob} from './run-job';

/**
 * `npm run worker [-- --concurrency N] [--name NAME] [--threads N] [--model stats|full]`: a training worker on any host
 * (`--threads` and `--model` are passed to the trainer).
 * It takes jobs from the BullMQ queue in Redis (PAIRWISE_QUEUE), fetches each shop's input from the app host
 * (PAIRWISE_APP_URL: its internal listener, PAIRWISE_INTERNAL_PORT; signed with PAIRWISE_WORKER_SECRET), runs the built trainer and uploads the result. It
 * holds no shop files. A worker killed mid-job stops renewing its lock: after PAIRWISE_WORKER_LOCK_MS the job
 * is stalled and BullMQ hands it to another worker.
 */

const env = z.object({
  PAIRWISE_QUEUE: z.string().regex(/^rediss?:\/\/\S+$/, 'redis://host:port'),
  PAIRWISE_APP_URL: z.url({protocol: /^https?$/}),
  PAIRWISE_WORKER_SECRET: z.string().min(32, 'at least 32 characters'),
  PAIRWISE_WORKER_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  PAIRWISE_WORKER_SCRATCH: z.string().min(1).default(tmpdir()),
});

function main(): void {
  let args;
  try {
    args = parseArgs({options: {concurrency: {type: 'string', default: '1'}, name: {type: 'string'}, threads: {type: 'string'}, model: {type: 'string'}}, strict: true}).values;
  } catch (err) {
    console.error(`pairwise worker: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  const concurrency = Number(args.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    console.error(`pairwise worker: --concurrency must be a whole number from 1 to 64, not "${args.concurrency}"`);
    process.exit(2);
  }
  const parsed = env.safeParse(process.env);
  if (!parsed.success) {
    console.error(`pairwise worker: invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${process.env[String(i.path[0])] === undefined ? 'missing' : i.message}`).join('; ')}`);
    process.exit(1);
  }
  const e = parsed.data;
  let trainer: string;
  try {
    trainer = trainerEntry();
  } catch (err) {
    console.error(`pairwise worker: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const name = args.name ?? `${hostname()}-${process.pid}`;
  const log = (msg: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({t: new Date().toISOString(), worker: name, msg, ...fields}));
  const ctx = {host: new AppHost(e.PAIRWISE_APP_URL, e.PAIRWISE_WORKER_SECRET), worker: name, trainer, scratch: e.PAIRWISE_WORKER_SCRATCH, trainerArgs: [...(args.threads ? ['--threads', args.threads] : []), ...(args.model ? ['--model', args.model] : [])]};

  const worker = new Worker<TrainingJobData>(
    TRAINING_QUEUE_NAME,
    async (job) => {
      log('job started', {shop: job.data.shop, seq: job.data.seq, attempt: job.attemptsStarted});
      try {
        const outcome = await runJob(ctx, job.data);
        log(outcome.state === 'published' ? 'job published' : 'job had nothing to do', {shop: job.data.shop, ...outcome});
        return outcome;
      } catch (err) {
        log('job failed', {shop: job.data.shop, error: err instanceof Error ? err.message : String(err)});
        // The host refused the result, or the input is bad: another attempt would be refused the same way.
        if (err instanceof HostRefused || err instanceof BadInput) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    {
      connection: new Redis(e.PAIRWISE_QUEUE, {maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 250, 2_000)}),
      concurrency,
      lockDuration: e.PAIRWISE_WORKER_LOCK_MS,
      stalledInterval: e.PAIRWISE_WORKER_LOCK_MS,
      // A job whose worker died twice is given up (the host marks its run failed), not passed around forever.
      maxStalledCount: 2,
    },
  );
  worker.on('error', (err) => log('queue error', {error: String(err)}));
  worker.on('ready', () => log('worker ready', {concurrency, lockMs: e.PAIRWISE_WORKER_LOCK_MS}));
  // A clean stop finishes the jobs in hand; a second signal does not wait.
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    log('stopping: finishing the jobs in hand');
    void worker.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();

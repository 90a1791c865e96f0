import {mkdirSync, readdirSync, renameSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import type {CliOptions} from './cli';
import {parseCli, USAGE} from './cli';
import {BasketBuilder, readOrdersCsv, readProductsCsv} from './load';
import {MissingColumnError} from '../domain/errors';
import {train} from './pipeline';
import {createProgress} from './progress';
import {TrainerThreads} from './threads';
import {buildReport, writeCart, writeCommunities, writeOutputs, writeReport} from './write';

/**
 * `npm run train -- --orders <csv[.gz]> --out <dir> [--model stats|full] [--backend <name>] [--seed N] [--no-embeddings]` (CSV mode) or
 * `npm run train -- --shop <domain> [--data-dir <dir>]` (DB mode: reads the shop's file, publishes the new
 * version atomically). Exit codes: 0 done, 1 failed, 2 bad arguments or input.
 */

/** Test hook: `PAIRWISE_TRAINER_FAULT=kill-before-rename` kills the process once the new files are written, before they replace the old. */
const FAULT = process.env.PAIRWISE_TRAINER_FAULT;

const STAGING_PREFIX = '.pairwise-staging-';

/**
 * The output files are written to a folder inside `out` and renamed into place once complete (report.json
 * last), so a run killed while writing leaves the previous run's files whole, never a half-written
 * recommendations.csv beside an old report.json. Folders left by runs that are no longer alive are removed first.
 */
function stagingDir(out: string): string {
  mkdirSync(out, {recursive: true});
  for (const name of readdirSync(out)) {
    if (name.startsWith(STAGING_PREFIX) && !alive(Number(name.slice(STAGING_PREFIX.length)))) rmSync(join(out, name), {recursive: true, force: true});
  }
  return join(out, `${STAGING_PREFIX}${process.pid}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function moveInto(staging: string, out: string): void {
  const files = readdirSync(staging).sort((a, b) => Number(a === 'report.json') - Number(b === 'report.json'));
  for (const name of files) renameSync(join(staging, name), join(out, name));
  rmSync(staging, {recursive: true, force: true});
}

async function runCsv(o: CliOptions, pool: TrainerThreads): Promise<void> {
  const t0 = performance.now();
  const progress = createProgress();
  progress.stage('load', 0, 0.05);
  const builder = new BasketBuilder();
  const catalogue = o.products ? await readProductsCsv(o.products, builder) : {products: [], badRows: [], badRowCount: 0};
  const read = await readOrdersCsv(o.orders!, builder);
  const loaded = {...read, baskets: builder.build(), cancelledOrders: builder.cancelledOrders};
  const texts = catalogue.products.length ? catalogue.products : loaded.baskets.titles.map((title, index) => ({index, title}));
  const loadS = (performance.now() - t0) / 1000;
  const result = await train(loaded.baskets, {model: o.model, seed: o.seed, texts, backend: o.backend, embeddings: o.embeddings, pool}, progress);
  progress.stage('write', 0.99, 1);
  const timings = {load_s: Number(loadS.toFixed(3)), ...result.timings, total_s: 0};
  const report = buildReport({...loaded, orders: loaded.baskets.count, products: loaded.baskets.itemIds.length, productRows: catalogue}, result, {backend: result.backend?.name ?? 'none', threads: pool.threads, timings});
  const tWrite = performance.now();
  const staging = stagingDir(o.out!);
  await writeOutputs(staging, loaded.baskets, result.companions, result.freq, result.bundles, result.embeddingSim, pool);
  if (result.cart) await writeCart(staging, loaded.baskets.itemIds, result.cart.weights);
  await writeCommunities(staging, loaded.baskets.itemIds, result.communities);
  Object.assign(timings, {write_s: Number(((performance.now() - tWrite) / 1000).toFixed(3))});
  timings.total_s = Number(((performance.now() - t0) / 1000).toFixed(3));
  writeReport(staging, report);
  if (FAULT === 'kill-before-rename') process.kill(process.pid, 'SIGKILL');
  moveInto(staging, o.out!);
  progress.done();
}

async function main(): Promise<number> {
  const parsed = parseCli(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`${parsed.reason}\n${USAGE}`);
    return 2;
  }
  // Started before loading: the worker threads boot while the orders are read.
  const pool = new TrainerThreads(parsed.options.threads);
  try {
    if (parsed.options.shop) {
      const {runShop} = await import('./publish');
      await runShop(parsed.options, pool);
    } else {
      await runCsv(parsed.options, pool);
    }
    return 0;
  } catch (err) {
    if (err instanceof MissingColumnError) {
      console.error(err.message);
      return 2;
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return 1;
  } finally {
    await pool.close();
  }
}

process.exitCode = await main();

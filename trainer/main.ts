import {parseArgs} from 'node:util';
import type {LoadResult} from './load';
import {loadOrdersCsv, MissingColumnError} from './load';
import type {TrainResult} from './pipeline';
import {train} from './pipeline';
import {createProgress} from './progress';
import {writeOutputs} from './write';

/**
 * `npm run train -- --orders <csv[.gz]> --out <dir> [--model stats|full] [--seed N]` (CSV mode) or
 * `npm run train -- --shop <domain> [--data-dir <dir>]` (DB mode: reads the shop's file, publishes the new
 * version atomically). Exit codes: 0 done, 1 failed, 2 bad arguments or input.
 */

const USAGE = `usage: npm run train -- --orders <orders.csv[.gz]> --out <dir> [--products <csv>] [--model stats|full] [--backend <name>] [--seed N]
       npm run train -- --shop <domain>.myshopify.com [--data-dir <dir>] [--model stats|full] [--run-id N]`;

export type CliOptions = {
  orders?: string;
  out?: string;
  products?: string;
  model: 'stats' | 'full';
  backend?: string;
  seed: number;
  shop?: string;
  dataDir: string;
  runId?: number;
};

export function parseCli(argv: string[]): {ok: true; options: CliOptions} | {ok: false; reason: string} {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        orders: {type: 'string'},
        out: {type: 'string'},
        products: {type: 'string'},
        model: {type: 'string', default: 'full'},
        backend: {type: 'string'},
        seed: {type: 'string', default: '1'},
        shop: {type: 'string'},
        'data-dir': {type: 'string', default: process.env.PAIRWISE_DATA_DIR ?? './data'},
        'run-id': {type: 'string'},
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return {ok: false, reason: err instanceof Error ? err.message : String(err)};
  }
  if (values.model !== 'stats' && values.model !== 'full') return {ok: false, reason: `--model must be stats or full, not "${values.model}"`};
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) return {ok: false, reason: `--seed must be an integer, not "${values.seed}"`};
  if (!values.shop && !(values.orders && values.out)) return {ok: false, reason: 'give --orders and --out, or --shop'};
  if (values.shop && values.orders) return {ok: false, reason: '--shop and --orders cannot be used together'};
  const runId = values['run-id'] === undefined ? undefined : Number(values['run-id']);
  return {
    ok: true,
    options: {
      orders: values.orders,
      out: values.out,
      products: values.products,
      model: values.model,
      backend: values.backend,
      seed,
      shop: values.shop,
      dataDir: values['data-dir'],
      runId,
    },
  };
}

/** report.json as in the contracts, plus what explains the figures (parameters, gate, bad row samples). */
export function buildReport(load: Omit<LoadResult, 'baskets'> & {orders: number; products: number}, result: TrainResult, extra: {backend: string; timings: Record<string, number>}) {
  return {
    backend: extra.backend,
    kind: result.kind,
    gate: result.gate,
    orders: load.orders,
    products: load.products,
    pairs: result.companions.items.length,
    bad_rows: load.badRowCount,
    bad_row_samples: load.badRows.slice(0, 20),
    skipped_lines: load.skippedLines,
    cancelled_orders: load.cancelledOrders,
    bundles: result.bundles.length,
    communities: result.communities.length,
    params: result.params,
    timings: extra.timings,
    eval: result.eval,
  };
}

async function runCsv(o: CliOptions): Promise<void> {
  const t0 = performance.now();
  const progress = createProgress();
  progress.stage('load', 0, 0.05);
  const loaded = await loadOrdersCsv(o.orders!);
  const loadS = (performance.now() - t0) / 1000;
  const result = train(loaded.baskets, {model: o.model, seed: o.seed}, progress);
  progress.stage('write', 0.99, 1);
  const timings = {load_s: Number(loadS.toFixed(3)), ...result.timings, total_s: 0};
  const report = buildReport({...loaded, orders: loaded.baskets.count, products: loaded.baskets.itemIds.length}, result, {backend: 'none', timings});
  await writeOutputs(o.out!, loaded.baskets, result.companions, result.freq, result.bundles, report);
  timings.total_s = Number(((performance.now() - t0) / 1000).toFixed(3));
  await writeOutputs(o.out!, loaded.baskets, result.companions, result.freq, result.bundles, report);
  progress.done();
}

async function main(): Promise<number> {
  const parsed = parseCli(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`${parsed.reason}\n${USAGE}`);
    return 2;
  }
  try {
    if (parsed.options.shop) {
      const {runShop} = await import('./publish');
      await runShop(parsed.options);
    } else {
      await runCsv(parsed.options);
    }
    return 0;
  } catch (err) {
    if (err instanceof MissingColumnError) {
      console.error(err.message);
      return 2;
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return 1;
  }
}

process.exitCode = await main();

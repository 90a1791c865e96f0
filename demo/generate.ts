/**
 * CLI: writes a synthetic store (or a replayed real order file) as the contract CSVs, for the trainer and the
 * scale benchmark.
 *   npx tsx demo/generate.ts --seed 1 --orders 10000 --products 1000 --out <dir>
 *   npx tsx demo/generate.ts --dataset ../shared/datasets/online-retail/orders.csv.gz --out <dir>
 * Writes <dir>/orders.csv.gz, <dir>/products.csv and <dir>/truth.json (the planted pairs and bundles).
 */
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import {readDatasetOrders} from './dataset-replay';
import {generateStore, writeOrdersCsv, writeProductsCsv} from '../devkit/store-generator';

const USAGE = `usage: npx tsx demo/generate.ts [--seed N] [--orders N] [--products N] [--start ISO] [--end ISO] --out <dir>
       npx tsx demo/generate.ts --dataset <orders.csv[.gz]> --out <dir>`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        seed: {type: 'string', default: '1'},
        orders: {type: 'string', default: '10000'},
        products: {type: 'string', default: '1000'},
        start: {type: 'string'},
        end: {type: 'string'},
        dataset: {type: 'string'},
        out: {type: 'string'},
        help: {type: 'boolean', short: 'h'},
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.out) {
    console.error(`--out <dir> is required\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  if (args.dataset) return replay(args.dataset, args.out, started);

  const numbers = {seed: args.seed, orders: args.orders, products: args.products};
  for (const [name, value] of Object.entries(numbers)) {
    if (!/^\d+$/.test(value)) {
      console.error(`--${name} must be a whole number, got "${value}"`);
      return 2;
    }
  }
  let store;
  try {
    store = generateStore({
      seed: Number(args.seed), orders: Number(args.orders), products: Number(args.products),
      start: args.start, end: args.end,
    });
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const orders = await writeOrdersCsv(join(args.out, 'orders.csv.gz'), store);
  await writeProductsCsv(join(args.out, 'products.csv'), store);
  await writeFile(join(args.out, 'truth.json'), JSON.stringify(store.truth, null, 1) + '\n');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`wrote ${orders.orders} orders (${orders.lines} lines), ${store.products.length} products, `
    + `${store.truth.pairs.length} planted pairs and ${store.truth.bundles.length} bundles to ${args.out} in ${seconds} s`);
  return 0;
}

async function replay(path: string, out: string, started: number): Promise<number> {
  const opened = await readDatasetOrders(path);
  if (!opened.ok) {
    console.error(opened.reason);
    return 1;
  }
  const {replay: data} = opened;
  const written = await writeOrdersCsv(join(out, 'orders.csv.gz'), data.orders());
  await writeProductsCsv(join(out, 'products.csv'), [...data.products.values()]);
  const {stats} = data;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`replayed ${written.orders} orders, ${data.products.size} products from ${path} to ${out} in ${seconds} s`);
  if (stats.skippedRows > 0) {
    const reasons = Object.entries(stats.skipReasons).map(([reason, n]) => `${n} ${reason}`).join('; ');
    console.log(`skipped ${stats.skippedRows} of ${stats.rows} rows: ${reasons}`);
  }
  if (stats.synthesizedDates > 0) console.log(`${stats.synthesizedDates} orders had no created_at; gave them times in file order`);
  if (stats.error) {
    console.error(stats.error);
    return 1;
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  // An unwritable --out or a full disk: say what failed, without a stack trace.
  console.error(`generate failed: ${(error as Error).message}`);
  process.exitCode = 1;
}

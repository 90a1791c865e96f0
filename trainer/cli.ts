import {parseArgs} from 'node:util';

/** The trainer's command line (contracts: "Files the trainer reads and writes"). */

export const USAGE = `usage: npm run train -- --orders <orders.csv[.gz]> --out <dir> [--products <csv>] [--model stats|full] [--backend <name>] [--seed N] [--threads N] [--no-embeddings]
       npm run train -- --shop <domain>.myshopify.com [--data-dir <dir>] [--model stats|full] [--run-id N] [--threads N]`;

export type CliOptions = {
  orders?: string;
  out?: string;
  products?: string;
  model: 'stats' | 'full';
  backend?: string;
  seed: number;
  /** Train item embeddings and try them in the score (`--no-embeddings` skips them: see TrainOptions.embeddings). */
  embeddings: boolean;
  /** Threads working at once, the main one included; undefined: the cores, at most 4. */
  threads?: number;
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
        threads: {type: 'string'},
        'no-embeddings': {type: 'boolean', default: false},
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
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) return {ok: false, reason: `--threads must be a whole number of at least 1, not "${values.threads}"`};
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
      threads,
      embeddings: !values['no-embeddings'],
      shop: values.shop,
      dataDir: values['data-dir'],
      runId,
    },
  };
}

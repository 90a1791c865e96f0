import {createReadStream, createWriteStream, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {pipeline} from 'node:stream/promises';
import {join} from 'node:path';
import type {Companions} from './companions';
import type {Bundle} from './bundles';
import type {Community} from './communities';
import type {CartWeights} from './cart/weights';
import type {Baskets, LoadResult, ProductsResult} from './load';
import type {TrainResult} from './pipeline';
import {equalCuts} from './pairs';
import {csvField} from '../domain/csv';
import type {ListData} from './list-files';
import {LineFile, num, writeListRows} from './list-files';
import type {TrainerThreads} from './threads';

/** The output files of the contracts (recommendations.csv, pairs.csv, bundles.csv, cart.csv, communities.csv, report.json). */


/**
 * recommendations.csv, pairs.csv and bundles.csv. With `threads`, the list files are written in anchor ranges
 * of about equal rows, one per thread, each range to its own part file, then the parts are appended in order:
 * formatting six figures per pair is most of the write time.
 */
export async function writeOutputs(
  dir: string,
  baskets: Baskets,
  companions: Companions,
  freq: Uint32Array,
  bundles: Bundle[],
  embeddingSim: Float32Array | null = null,
  threads?: TrainerThreads,
): Promise<void> {
  mkdirSync(dir, {recursive: true});
  const files = {recommendations: join(dir, 'recommendations.csv'), pairs: join(dir, 'pairs.csv')};
  const data: ListData = {ids: baskets.itemIds.map(csvField), companions, freq, orders: baskets.count, embeddingSim};
  // Ranges of about equal numbers of rows (companions.offsets is the row count before each anchor).
  const cuts = equalCuts(companions.offsets, threads?.threads ?? 1);
  const partFiles = cuts.slice(2).map((_, s) => ({recommendations: `${files.recommendations}.part${s + 1}`, pairs: `${files.pairs}.part${s + 1}`}));
  const parts = partFiles.map((f, s) => threads!.writeListRows(s, f, data, cuts[s + 1], cuts[s + 2]));
  await writeListRows(files, data, cuts[0], cuts[1], true);
  await Promise.all(parts);
  for (const f of partFiles) {
    await appendAndRemove(f.recommendations, files.recommendations);
    await appendAndRemove(f.pairs, files.pairs);
  }
  const bundleFile = new LineFile(join(dir, 'bundles.csv'), 'bundle_id,product_ids,count,support,lift');
  for (const [i, b] of bundles.entries()) {
    await bundleFile.line(`${i + 1},${csvField(JSON.stringify(b.items.map((x) => baskets.itemIds[x])))},${b.count},${num(b.support)},${num(b.lift)}`);
  }
  await bundleFile.close();
}

export const COMMUNITIES_HEADER = 'community_id,product_id';

/**
 * communities.csv: each community's members, one row each (header only when there are none, as in stats
 * mode). A worker uploads it with the rest, so the app host's publish names the version's communities for
 * Insights as DB mode's does ([T]).
 */
export async function writeCommunities(dir: string, itemIds: string[], communities: Community[]): Promise<void> {
  mkdirSync(dir, {recursive: true});
  const file = new LineFile(join(dir, 'communities.csv'), COMMUNITIES_HEADER);
  for (const c of communities) {
    for (const item of c.items) {
      const wait = file.line(`${c.id},${csvField(itemIds[item])}`);
      if (wait) await wait;
    }
  }
  await file.close();
}

export const CART_HEADER = 'product_id,recommended_id,weight';

/** cart.csv (contracts): each product's cart weights, largest |weight| first. */
export async function writeCart(dir: string, itemIds: string[], cart: CartWeights): Promise<void> {
  mkdirSync(dir, {recursive: true});
  const ids = itemIds.map(csvField);
  const file = new LineFile(join(dir, 'cart.csv'), CART_HEADER);
  for (let i = 0; i < cart.offsets.length - 1; i++) {
    for (let r = cart.offsets[i]; r < cart.offsets[i + 1]; r++) {
      const wait = file.line(`${ids[i]},${ids[cart.items[r]]},${num(cart.weights[r])}`);
      if (wait) await wait;
    }
  }
  await file.close();
}

async function appendAndRemove(part: string, into: string): Promise<void> {
  await pipeline(createReadStream(part), createWriteStream(into, {flags: 'a'}));
  rmSync(part);
}

export function writeReport(dir: string, report: Record<string, unknown>): void {
  mkdirSync(dir, {recursive: true});
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
}

/**
 * report.json as in the contracts (bad_rows: the orders' and the products' together), plus what explains the
 * figures (parameters, gate, bad row samples of each file).
 */
export function buildReport(load: Omit<LoadResult, 'baskets'> & {orders: number; products: number; productRows?: Omit<ProductsResult, 'products'>}, result: TrainResult, extra: {backend: string; threads: number; timings: Record<string, number>}) {
  return {
    backend: extra.backend,
    backend_tried: result.backend?.tried ?? [],
    backend_note: result.backend?.note ?? null,
    threads: extra.threads,
    kind: result.kind,
    gate: result.gate,
    orders: load.orders,
    products: load.products,
    pairs: result.companions.items.length,
    bad_rows: load.badRowCount + (load.productRows?.badRowCount ?? 0),
    bad_row_samples: load.badRows.slice(0, 20),
    bad_product_rows: load.productRows?.badRowCount ?? 0,
    bad_product_row_samples: load.productRows?.badRows.slice(0, 20) ?? [],
    skipped_lines: load.skippedLines,
    cancelled_orders: load.cancelledOrders,
    bundles: result.bundles.length,
    communities: result.communities.length,
    cold_started: result.coldStarted,
    cold_start: result.coldStart,
    params: result.params,
    tuning: result.tuning,
    ranker: result.ranker,
    timings: extra.timings,
    eval: result.eval,
    gate_slices: result.gateSlices,
    tail: result.tail,
    cart: result.cart?.report ?? null,
  };
}


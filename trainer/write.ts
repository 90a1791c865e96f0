import {createReadStream, createWriteStream, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {pipeline} from 'node:stream/promises';
import {join} from 'node:path';
import type {Companions} from './blend';
import {SOURCES} from './blend';
import type {Bundle} from './bundles';
import type {CartWeights} from './cart/weights';
import type {Baskets, LoadResult, ProductsResult} from './load';
import type {TrainResult} from './pipeline';
import {equalCuts} from './pairs';
import {pairStats} from './stats';
import type {TrainerThreads} from './threads';

/** The output files of the contracts (recommendations.csv, pairs.csv, bundles.csv, cart.csv, report.json). */

/** RFC 4180 quoting where needed. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Six significant digits, shortest form ("0.25", not "0.250000"): the text of Number(x.toPrecision(6)), about
 * three times faster. The value is rounded to an integer count of 10^-k steps and that integer's digits get the
 * decimal point, which skips the shortest-double printing: hundreds of thousands of figures per run.
 */
export function num(x: number): string {
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  const ax = Math.abs(x);
  if (ax >= 1e5 || ax < 1e-6) return Number(x.toPrecision(6)).toString();
  let frac = 5 - Math.floor(Math.log10(ax));
  const r = Math.round(x * 10 ** frac);
  let digits = String(r < 0 ? -r : r);
  let end = digits.length;
  while (frac > 0 && digits.charCodeAt(end - 1) === 48) {
    end--;
    frac--;
  }
  if (frac > 0) {
    const point = end - frac;
    digits = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point, end)}` : `0.${'0'.repeat(-point)}${digits.slice(0, end)}`;
  } else {
    digits = digits.slice(0, end);
  }
  return r < 0 ? `-${digits}` : digits;
}

/**
 * Buffers lines and writes them in large chunks, honouring back-pressure (millions of rows on a big store).
 * Each line is encoded into a byte buffer at once: a rope of a million lines' strings would outlive the young
 * generation and grow the heap by hundreds of MB on a 1M-order store.
 */
class LineFile {
  private static readonly CHUNK = 1 << 20;
  private readonly out;
  private chunk = Buffer.allocUnsafe(LineFile.CHUNK);
  private used = 0;

  constructor(file: string, header: string | null) {
    this.out = createWriteStream(file);
    if (header !== null) this.line(header);
  }

  /** Adds a line; returns a promise only when the stream asks to wait (await it then). */
  line(text: string): Promise<void> | undefined {
    // At most 3 bytes per UTF-16 unit, and the newline; a line longer than a chunk is written on its own.
    const most = 3 * text.length + 1;
    const wait = this.used + most > LineFile.CHUNK ? this.flush() : undefined;
    if (most > LineFile.CHUNK) {
      this.out.write(text + '\n');
      return wait;
    }
    this.used += this.chunk.write(text, this.used);
    this.chunk[this.used++] = 10;
    return wait;
  }

  close(): Promise<void> {
    const rest = this.chunk.subarray(0, this.used);
    return new Promise((resolve, reject) => this.out.end(rest, (err?: Error | null) => (err ? reject(err) : resolve())));
  }

  private flush(): Promise<void> | undefined {
    if (this.used === 0) return undefined;
    const ok = this.out.write(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(LineFile.CHUNK);
    this.used = 0;
    return ok ? undefined : new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }
}

export type PairRow = {
  product: number;
  rank: number;
  companion: number;
  score: number;
  source: (typeof SOURCES)[number];
  count: number;
  support: number;
  confidence: number;
  lift: number;
  jaccard: number;
  cosine: number;
  llr: number;
  /** Cosine of the two items' embeddings (full mode); null when none were trained. */
  embeddingSim: number | null;
};

/** Every published pair (of anchors [from, to)) with the statistics that explain it, in product then rank order. */
export function* pairRows(companions: Companions, freq: Uint32Array, orders: number, embeddingSim: Float32Array | null = null, from = 0, to = companions.offsets.length - 1): Generator<PairRow> {
  for (let a = from; a < to; a++) {
    for (let t = companions.offsets[a]; t < companions.offsets[a + 1]; t++) {
      const b = companions.items[t];
      const s = pairStats({count: companions.counts[t], na: freq[a], nb: freq[b], n: orders});
      yield {
        product: a,
        rank: t - companions.offsets[a] + 1,
        companion: b,
        score: companions.scores[t],
        source: SOURCES[companions.sources[t]],
        count: s.count,
        support: s.support,
        confidence: s.confidence,
        lift: s.lift,
        jaccard: s.jaccard,
        cosine: s.cosine,
        llr: s.llr,
        embeddingSim: embeddingSim ? embeddingSim[t] : null,
      };
    }
  }
}

export const RECOMMENDATIONS_HEADER = 'product_id,rank,recommended_id,score';
export const PAIRS_HEADER = 'product_id,rank,recommended_id,score,source,count,support,confidence,lift,jaccard,cosine,llr,embedding_sim';

/** What the rows of the two list files are made of; `ids` are the product ids already CSV-quoted where needed. */
export type ListData = {ids: string[]; companions: Companions; freq: Uint32Array; orders: number; embeddingSim: Float32Array | null};

/**
 * Writes the recommendations.csv and pairs.csv rows of anchors [from, to) to two files, with the headers when
 * `header` (the first part) and without (a part appended after it).
 */
export async function writeListRows(files: {recommendations: string; pairs: string}, d: ListData, from: number, to: number, header: boolean): Promise<void> {
  const recs = new LineFile(files.recommendations, header ? RECOMMENDATIONS_HEADER : null);
  const pairs = new LineFile(files.pairs, header ? PAIRS_HEADER : null);
  for (const r of pairRows(d.companions, d.freq, d.orders, d.embeddingSim, from, to)) {
    const head = `${d.ids[r.product]},${r.rank},${d.ids[r.companion]},${num(r.score)}`;
    const waitRecs = recs.line(head);
    const waitPairs = pairs.line(`${head},${r.source},${r.count},${num(r.support)},${num(r.confidence)},${num(r.lift)},${num(r.jaccard)},${num(r.cosine)},${num(r.llr)},${r.embeddingSim === null ? '' : num(r.embeddingSim)}`);
    if (waitRecs || waitPairs) await Promise.all([waitRecs, waitPairs]);
  }
  await Promise.all([recs.close(), pairs.close()]);
}

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


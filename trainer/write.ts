import {createWriteStream, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Companions} from './blend';
import {SOURCES} from './blend';
import type {Bundle} from './bundles';
import type {Baskets, LoadResult} from './load';
import type {TrainResult} from './pipeline';
import {pairStats} from './stats';

/** The output files of the contracts (recommendations.csv, pairs.csv, bundles.csv, report.json). */

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

/** Buffers lines and writes them in large chunks, honouring back-pressure (millions of rows on a big store). */
class LineFile {
  private readonly out;
  private buffer: string;

  constructor(file: string, header: string) {
    this.out = createWriteStream(file);
    this.buffer = header + '\n';
  }

  /** Adds a line; returns a promise only when the stream asks to wait (await it then). */
  line(text: string): Promise<void> | undefined {
    this.buffer += text + '\n';
    if (this.buffer.length < 1 << 20) return undefined;
    const ok = this.out.write(this.buffer);
    this.buffer = '';
    return ok ? undefined : new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.out.end(this.buffer, (err?: Error | null) => (err ? reject(err) : resolve())));
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

/** Every published pair with the statistics that explain it, in product then rank order. */
export function* pairRows(companions: Companions, freq: Uint32Array, orders: number, embeddingSim: Float32Array | null = null): Generator<PairRow> {
  const nItems = companions.offsets.length - 1;
  for (let a = 0; a < nItems; a++) {
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

export async function writeOutputs(
  dir: string,
  baskets: Baskets,
  companions: Companions,
  freq: Uint32Array,
  bundles: Bundle[],
  embeddingSim: Float32Array | null = null,
): Promise<void> {
  mkdirSync(dir, {recursive: true});
  const id = (i: number) => csvField(baskets.itemIds[i]);
  const recs = new LineFile(join(dir, 'recommendations.csv'), 'product_id,rank,recommended_id,score');
  const pairs = new LineFile(join(dir, 'pairs.csv'), 'product_id,rank,recommended_id,score,source,count,support,confidence,lift,jaccard,cosine,llr,embedding_sim');
  for (const r of pairRows(companions, freq, baskets.count, embeddingSim)) {
    const head = `${id(r.product)},${r.rank},${id(r.companion)},${num(r.score)}`;
    const waitRecs = recs.line(head);
    const waitPairs = pairs.line(`${head},${r.source},${r.count},${num(r.support)},${num(r.confidence)},${num(r.lift)},${num(r.jaccard)},${num(r.cosine)},${num(r.llr)},${r.embeddingSim === null ? '' : num(r.embeddingSim)}`);
    if (waitRecs || waitPairs) await Promise.all([waitRecs, waitPairs]);
  }
  const bundleFile = new LineFile(join(dir, 'bundles.csv'), 'bundle_id,product_ids,count,support,lift');
  for (const [i, b] of bundles.entries()) {
    await bundleFile.line(`${i + 1},${csvField(JSON.stringify(b.items.map((x) => baskets.itemIds[x])))},${b.count},${num(b.support)},${num(b.lift)}`);
  }
  await Promise.all([recs.close(), pairs.close(), bundleFile.close()]);
}

export function writeReport(dir: string, report: Record<string, unknown>): void {
  mkdirSync(dir, {recursive: true});
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
}

/** report.json as in the contracts, plus what explains the figures (parameters, gate, bad row samples). */
export function buildReport(load: Omit<LoadResult, 'baskets'> & {orders: number; products: number}, result: TrainResult, extra: {backend: string; timings: Record<string, number>}) {
  return {
    backend: extra.backend,
    backend_tried: result.backend?.tried ?? [],
    backend_note: result.backend?.note ?? null,
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
    cold_started: result.coldStarted,
    params: result.params,
    tuning: result.tuning,
    timings: extra.timings,
    eval: result.eval,
  };
}


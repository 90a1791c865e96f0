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

const num = (x: number): string => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(6)).toString());

/** Writes lines through a stream in large chunks (millions of rows on a big store). */
async function writeLines(file: string, header: string, rows: (emit: (line: string) => void) => void): Promise<void> {
  const out = createWriteStream(file);
  let buffer = header + '\n';
  const pending: Promise<void>[] = [];
  rows((line) => {
    buffer += line + '\n';
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) pending.push(new Promise((resolve) => out.once('drain', resolve)));
      buffer = '';
    }
  });
  out.write(buffer);
  await Promise.all(pending);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
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
};

/** Every published pair with the statistics that explain it, in product then rank order. */
export function* pairRows(companions: Companions, freq: Uint32Array, orders: number): Generator<PairRow> {
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
): Promise<void> {
  mkdirSync(dir, {recursive: true});
  const id = (i: number) => csvField(baskets.itemIds[i]);
  await writeLines(join(dir, 'recommendations.csv'), 'product_id,rank,recommended_id,score', (emit) => {
    for (const r of pairRows(companions, freq, baskets.count)) emit(`${id(r.product)},${r.rank},${id(r.companion)},${num(r.score)}`);
  });
  await writeLines(join(dir, 'pairs.csv'), 'product_id,rank,recommended_id,score,source,count,support,confidence,lift,jaccard,cosine,llr', (emit) => {
    for (const r of pairRows(companions, freq, baskets.count)) {
      emit(
        [id(r.product), r.rank, id(r.companion), num(r.score), r.source, r.count, num(r.support), num(r.confidence), num(r.lift), num(r.jaccard), num(r.cosine), num(r.llr)].join(','),
      );
    }
  });
  await writeLines(join(dir, 'bundles.csv'), 'bundle_id,product_ids,count,support,lift', (emit) => {
    bundles.forEach((b, i) => emit(`${i + 1},${csvField(JSON.stringify(b.items.map((x) => baskets.itemIds[x])))},${b.count},${num(b.support)},${num(b.lift)}`));
  });
}

export function writeReport(dir: string, report: Record<string, unknown>): void {
  mkdirSync(dir, {recursive: true});
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
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


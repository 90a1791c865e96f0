import {createWriteStream} from 'node:fs';
import type {Companions} from './companions';
import {SOURCES} from './companions';
import {pairStats} from './stats';

// The rows of recommendations.csv and pairs.csv, formatted and written a range of anchors at a time: by the main
// thread and by each worker thread (threads-worker.ts), which is why they live apart from write.ts.

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
export class LineFile {
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

/**
 * Catalogue neighbours from product text, for cold start: a product nobody has bought yet borrows the
 * co-purchase lists of the products that read most like it. TF-IDF over weighted fields (title counts most;
 * character trigrams of title words catch "mug"/"mugs" and short titles), cosine similarity, searched through an
 * inverted index so that only products sharing a term are ever compared. Nothing is downloaded.
 */

export type ProductText = {index: number; title: string; product_type?: string; vendor?: string; tags?: string; description?: string};

export type TextNeighbours = {neighbours: Uint32Array; sims: Float32Array; k: number};

/** Pad value in `neighbours` where a product has fewer than k neighbours. */
export const NO_NEIGHBOUR = 0xffffffff;

const FIELD_WEIGHTS = {title: 3, product_type: 2, vendor: 1, tags: 1.5, description: 0.5} as const;
const TRIGRAM_WEIGHT = 1;
/**
 * Longest stretch of one term's postings the search reads. Longer lists are sorted by weight first, so a common
 * term still finds the products it matters most to; reading them whole would make a 100k catalogue quadratic.
 */
const MAX_POSTINGS = 200;
/** Trigrams only rescue near-misses ("mugs"), and a title has dozens of them: they get a shorter read. */
const MAX_TRIGRAM_POSTINGS = 50;
const STOPWORDS = new Set(['a', 'an', 'and', 'the', 'of', 'for', 'with', 'in', 'on', 'to', 'by', 'or', 'at', 'from', 'is', 'it', 'this']);

function words(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .replace(/<[^>]*>/g, ' ')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !STOPWORDS.has(w));
}

function trigrams(word: string): string[] {
  const padded = `#${word}#`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

/**
 * Weighted term counts of one product, keyed by field-prefixed term ("title:mug", "#:mug"): a word in the title
 * and the same word as a vendor name are different evidence.
 */
function terms(p: ProductText): Map<string, number> {
  const raw = new Map<string, number>();
  const add = (key: string) => raw.set(key, (raw.get(key) ?? 0) + 1);
  for (const field of Object.keys(FIELD_WEIGHTS) as (keyof typeof FIELD_WEIGHTS)[]) {
    for (const w of words(p[field])) add(`${field}:${w}`);
  }
  for (const w of words(p.title)) for (const t of trigrams(w)) add(`#:${t}`);
  const weighted = new Map<string, number>();
  for (const [key, count] of raw) {
    const field = key.slice(0, key.indexOf(':'));
    const weight = field === '#' ? TRIGRAM_WEIGHT : FIELD_WEIGHTS[field as keyof typeof FIELD_WEIGHTS];
    weighted.set(key, weight * (1 + Math.log(count)));
  }
  return weighted;
}

type Vectors = {start: Uint32Array; term: Uint32Array; weight: Float32Array; termCount: number; readLimit: Uint16Array};

/** L2-normalised TF-IDF rows in CSR form, one per entry of `products`. */
function tfidf(products: ProductText[]): Vectors {
  const ids = new Map<string, number>();
  const rows = products.map((p) => terms(p));
  const df: number[] = [];
  for (const row of rows) {
    for (const key of row.keys()) {
      let id = ids.get(key);
      if (id === undefined) {
        id = df.length;
        ids.set(key, id);
        df.push(0);
      }
      df[id]++;
    }
  }
  const n = products.length;
  const idf = df.map((d) => Math.log((n + 1) / (d + 1)) + 1);
  const start = new Uint32Array(n + 1);
  rows.forEach((row, i) => (start[i + 1] = start[i] + row.size));
  const term = new Uint32Array(start[n]);
  const weight = new Float32Array(start[n]);
  rows.forEach((row, i) => {
    let at = start[i];
    let norm = 0;
    for (const [key, w] of row) {
      const id = ids.get(key)!;
      term[at] = id;
      weight[at] = w * idf[id];
      norm += weight[at] * weight[at];
      at++;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = start[i]; j < start[i + 1]; j++) weight[j] *= scale;
  });
  const readLimit = new Uint16Array(df.length);
  for (const [key, id] of ids) readLimit[id] = key.startsWith('#:') ? MAX_TRIGRAM_POSTINGS : MAX_POSTINGS;
  return {start, term, weight, termCount: df.length, readLimit};
}

/** Term -> (product position, weight) postings, CSR; lists longer than the term's read limit heaviest first. */
function invert(v: Vectors): {start: Uint32Array; product: Uint32Array; weight: Float32Array} {
  const start = new Uint32Array(v.termCount + 1);
  for (let j = 0; j < v.term.length; j++) start[v.term[j] + 1]++;
  for (let t = 0; t < v.termCount; t++) start[t + 1] += start[t];
  const fill = start.slice(0, v.termCount);
  const product = new Uint32Array(v.term.length);
  const weight = new Float32Array(v.term.length);
  for (let i = 0; i + 1 < v.start.length; i++) {
    for (let j = v.start[i]; j < v.start[i + 1]; j++) {
      const at = fill[v.term[j]]++;
      product[at] = i;
      weight[at] = v.weight[j];
    }
  }
  for (let t = 0; t < v.termCount; t++) {
    if (start[t + 1] - start[t] <= v.readLimit[t]) continue;
    const order = Array.from({length: start[t + 1] - start[t]}, (_, i) => start[t] + i);
    order.sort((a, b) => weight[b] - weight[a] || product[a] - product[b]);
    const products = order.map((i) => product[i]);
    const weights = order.map((i) => weight[i]);
    product.set(products, start[t]);
    weight.set(weights, start[t]);
  }
  return {start, product, weight};
}

/**
 * The k products whose text is most similar to each product (cosine of TF-IDF vectors), row-major by
 * `ProductText.index`: row r holds the neighbours of the product with index r, best first, as product indexes;
 * rows with fewer than k (or no product) are padded with NO_NEIGHBOUR and similarity 0.
 */
export function textNeighbours(products: ProductText[], opts: {k: number}): TextNeighbours {
  const k = opts.k;
  const rowCount = products.reduce((m, p) => Math.max(m, p.index + 1), 0);
  const neighbours = new Uint32Array(rowCount * k).fill(NO_NEIGHBOUR);
  const sims = new Float32Array(rowCount * k);
  const v = tfidf(products);
  const postings = invert(v);
  const score = new Float32Array(products.length);
  const touched: number[] = [];
  const best = new Int32Array(k);
  const bestScore = new Float32Array(k);

  for (let a = 0; a < products.length; a++) {
    touched.length = 0;
    for (let j = v.start[a]; j < v.start[a + 1]; j++) {
      const t = v.term[j];
      const w = v.weight[j];
      const end = Math.min(postings.start[t + 1], postings.start[t] + v.readLimit[t]);
      for (let p = postings.start[t]; p < end; p++) {
        const other = postings.product[p];
        if (other === a) continue;
        if (score[other] === 0) touched.push(other);
        score[other] += w * postings.weight[p];
      }
    }
    let filled = 0;
    for (const other of touched) {
      const s = score[other];
      score[other] = 0;
      if (filled === k && !beats(s, other, bestScore[k - 1], best[k - 1], products)) continue;
      let at = filled < k ? filled++ : k - 1;
      while (at > 0 && beats(s, other, bestScore[at - 1], best[at - 1], products)) {
        best[at] = best[at - 1];
        bestScore[at] = bestScore[at - 1];
        at--;
      }
      best[at] = other;
      bestScore[at] = s;
    }
    const row = products[a].index * k;
    for (let r = 0; r < filled; r++) {
      neighbours[row + r] = products[best[r]].index;
      sims[row + r] = Math.min(1, bestScore[r]);
    }
  }
  return {neighbours, sims, k};
}

/** Higher similarity first; ties go to the lower product index so results do not depend on input order. */
function beats(s: number, other: number, s2: number, other2: number, products: ProductText[]): boolean {
  return s > s2 || (s === s2 && products[other].index < products[other2].index);
}

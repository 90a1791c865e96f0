/**
 * Pure formulas over the 2x2 contingency table of a pair: `count` orders hold both products, `na` and `nb`
 * hold each, `n` orders in all. Kept free of state so they are checked against hand-computed tables.
 */

export type PairCounts = {count: number; na: number; nb: number; n: number};

export type PairStats = {
  count: number;
  support: number;
  /** P(b | a). */
  confidence: number;
  /** P(a | b). */
  reverseConfidence: number;
  lift: number;
  jaccard: number;
  cosine: number;
  /** Dunning's log-likelihood ratio (G^2): how surprising the count is under independence. */
  llr: number;
};

export const support = ({count, n}: PairCounts): number => (n > 0 ? count / n : 0);
export const confidence = ({count, na}: PairCounts): number => (na > 0 ? count / na : 0);
export const reverseConfidence = ({count, nb}: PairCounts): number => (nb > 0 ? count / nb : 0);
export const lift = ({count, na, nb, n}: PairCounts): number => (na > 0 && nb > 0 ? (count * n) / (na * nb) : 0);
export const jaccard = ({count, na, nb}: PairCounts): number => (na + nb - count > 0 ? count / (na + nb - count) : 0);
export const cosine = ({count, na, nb}: PairCounts): number => (na > 0 && nb > 0 ? count / Math.sqrt(na * nb) : 0);

const xlogx = (x: number): number => (x > 0 ? x * Math.log(x) : 0);
const entropy = (...k: number[]): number => xlogx(k.reduce((s, x) => s + x, 0)) - k.reduce((s, x) => s + xlogx(x), 0);

/** G^2 = 2 * (H(rows) + H(cols) - H(table)) in Dunning's unnormalised-entropy form (Mahout's). */
export function llr({count, na, nb, n}: PairCounts): number {
  const k11 = count;
  const k12 = na - count;
  const k21 = nb - count;
  const k22 = n - na - nb + count;
  const rowEntropy = entropy(k11 + k12, k21 + k22);
  const colEntropy = entropy(k11 + k21, k12 + k22);
  const matEntropy = entropy(k11, k12, k21, k22);
  return Math.max(0, 2 * (rowEntropy + colEntropy - matEntropy));
}

/** IDCG@k with `relevant` relevant items: the most one query can earn (protocol A's NDCG, and the basket weights). */
export function idealDcg(relevant: number, k: number): number {
  let s = 0;
  for (let i = 0; i < Math.min(relevant, k); i++) s += 1 / Math.log2(i + 2);
  return s;
}

export function pairStats(c: PairCounts): PairStats {
  return {
    count: c.count,
    support: support(c),
    confidence: confidence(c),
    reverseConfidence: reverseConfidence(c),
    lift: lift(c),
    jaccard: jaccard(c),
    cosine: cosine(c),
    llr: llr(c),
  };
}

import {parse} from 'csv-parse/sync';
import type {ModelCartRow, ModelPairRow, ModelVersionInput} from './repos/model-writer';

/**
 * The trainer's CSV-mode output files (contracts: "Files the trainer reads and writes") read back into the
 * model writer's input, so a model trained on a worker is published by the same writer, in the same one
 * transaction, as a model trained in DB mode. Everything is checked before anything is written: a file of
 * the wrong shape refuses the whole result.
 */

/** The files a worker uploads, by name, as text. `product_orders.csv` is the worker's count over the input it trained on. */
export type ModelFiles = Partial<Record<'recommendations.csv' | 'pairs.csv' | 'bundles.csv' | 'cart.csv' | 'communities.csv' | 'product_orders.csv' | 'report.json', string>>;

export type ModelFilesRead = {valid: true; input: Omit<ModelVersionInput, 'runId'>} | {valid: false; reason: string};

const HEADERS = {
  'recommendations.csv': 'product_id,rank,recommended_id,score',
  'pairs.csv': 'product_id,rank,recommended_id,score,source,count,support,confidence,lift,jaccard,cosine,llr,embedding_sim',
  'bundles.csv': 'bundle_id,product_ids,count,support,lift',
  'cart.csv': 'product_id,recommended_id,weight',
  'communities.csv': 'community_id,product_id',
  'product_orders.csv': 'product_id,orders',
} as const;

/** A shop's product id as the trainer writes it (digits); beyond 2^53 it would not survive a number, so it is refused. */
const PRODUCT_ID = /^[1-9]\d{0,15}$/;

class Refused extends Error {}

function rows(files: ModelFiles, name: keyof typeof HEADERS, required: boolean): string[][] {
  const text = files[name];
  if (text === undefined) {
    if (required) throw new Refused(`${name} is missing`);
    return [];
  }
  let parsed: string[][];
  try {
    parsed = parse(text, {skip_empty_lines: true}) as string[][];
  } catch (err) {
    throw new Refused(`${name} is not CSV: ${err instanceof Error ? err.message : String(err)}`);
  }
  const header = parsed.shift()?.join(',');
  if (header !== HEADERS[name]) throw new Refused(`${name} has header ${JSON.stringify(header ?? '')}, expected ${JSON.stringify(HEADERS[name])}`);
  return parsed;
}

const at = (name: string, line: number) => `${name} row ${line + 2}`;

function id(v: string, where: string): number {
  const n = PRODUCT_ID.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new Refused(`${where}: ${JSON.stringify(v)} is not a product id`);
  return n;
}

function int(v: string, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw new Refused(`${where}: ${JSON.stringify(v)} is not a whole number from ${min} to ${max}`);
  return n;
}

function real(v: string, where: string): number {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n)) throw new Refused(`${where}: ${JSON.stringify(v)} is not a number`);
  return n;
}

function pairs(files: ModelFiles): ModelPairRow[] {
  const recs = rows(files, 'recommendations.csv', true);
  const out = rows(files, 'pairs.csv', true).map((r, i): ModelPairRow => {
    const w = at('pairs.csv', i);
    if (r.length !== 13) throw new Refused(`${w}: ${r.length} fields, expected 13`);
    if (!/^[a-z_]{1,32}$/.test(r[4])) throw new Refused(`${w}: ${JSON.stringify(r[4])} is not a source`);
    return {
      productId: id(r[0], w),
      rank: int(r[1], w, 1, 1000),
      companionId: id(r[2], w),
      score: real(r[3], w),
      source: r[4] as ModelPairRow['source'],
      count: int(r[5], w, 0),
      support: real(r[6], w),
      confidence: real(r[7], w),
      lift: real(r[8], w),
      jaccard: real(r[9], w),
      cosine: real(r[10], w),
      llr: real(r[11], w),
      embeddingSim: r[12] === '' ? null : real(r[12], w),
      textSim: null,
    };
  });
  // The contract: one pairs.csv row per recommendations.csv row, the same four leading fields.
  if (recs.length !== out.length) throw new Refused(`recommendations.csv has ${recs.length} rows, pairs.csv ${out.length}`);
  const seen = new Set<string>();
  recs.forEach((r, i) => {
    const p = out[i];
    if (r.length !== 4 || Number(r[0]) !== p.productId || Number(r[1]) !== p.rank || Number(r[2]) !== p.companionId) {
      throw new Refused(`${at('recommendations.csv', i)} does not match pairs.csv`);
    }
    const key = `${p.productId}:${p.rank}`;
    if (seen.has(key)) throw new Refused(`${at('pairs.csv', i)}: rank ${p.rank} of product ${p.productId} appears twice`);
    seen.add(key);
  });
  return out;
}

function bundles(files: ModelFiles): ModelVersionInput['bundles'] {
  return rows(files, 'bundles.csv', true).map((r, i) => {
    const w = at('bundles.csv', i);
    if (r.length !== 5) throw new Refused(`${w}: ${r.length} fields, expected 5`);
    let members: unknown;
    try {
      members = JSON.parse(r[1]);
    } catch {
      members = null;
    }
    if (!Array.isArray(members) || members.length < 2 || !members.every((m) => typeof m === 'string')) throw new Refused(`${w}: product_ids is not a JSON list of product ids`);
    return {productIds: members.map((m: string) => id(m, w)), count: int(r[2], w, 0), support: real(r[3], w), lift: real(r[4], w)};
  });
}

function cart(files: ModelFiles): ModelCartRow[] {
  return rows(files, 'cart.csv', false).map((r, i) => {
    const w = at('cart.csv', i);
    if (r.length !== 3) throw new Refused(`${w}: ${r.length} fields, expected 3`);
    return {productId: id(r[0], w), companionId: id(r[1], w), weight: real(r[2], w)};
  });
}

/** Communities of products bought together, for Insights: each product in one community at most. */
function communities(files: ModelFiles): ModelVersionInput['communities'] {
  const members = new Map<number, number[]>();
  const placed = new Set<number>();
  rows(files, 'communities.csv', true).forEach((r, i) => {
    const w = at('communities.csv', i);
    if (r.length !== 2) throw new Refused(`${w}: ${r.length} fields, expected 2`);
    const community = int(r[0], w, 1);
    const product = id(r[1], w);
    if (placed.has(product)) throw new Refused(`${w}: product ${product} is in a community twice`);
    placed.add(product);
    let m = members.get(community);
    if (!m) members.set(community, (m = []));
    m.push(product);
  });
  return [...members].map(([communityId, productIds]) => ({communityId, productIds}));
}

function productOrders(files: ModelFiles): {productId: number; orders: number}[] {
  return rows(files, 'product_orders.csv', true).map((r, i) => {
    const w = at('product_orders.csv', i);
    if (r.length !== 2) throw new Refused(`${w}: ${r.length} fields, expected 2`);
    return {productId: id(r[0], w), orders: int(r[1], w, 0)};
  });
}

function report(files: ModelFiles): Record<string, unknown> & {kind: string; backend: string} {
  const text = files['report.json'];
  if (text === undefined) throw new Refused('report.json is missing');
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    throw new Refused('report.json is not JSON');
  }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Refused('report.json is not an object');
  const o = r as Record<string, unknown>;
  // The gate's decision travels in the report (trainer/write.ts buildReport): what it published, and why.
  if (typeof o.kind !== 'string' || !/^[a-z_]{1,32}$/.test(o.kind)) throw new Refused('report.json has no kind (the gate\'s decision)');
  // null where nothing was gated (stats mode publishes its lists as they are).
  if (typeof o.gate !== 'string' && o.gate !== null) throw new Refused('report.json has no gate');
  if (typeof o.backend !== 'string') throw new Refused('report.json has no backend');
  return o as Record<string, unknown> & {kind: string; backend: string};
}

/** Reads and checks every file; the model writer's input, or why the result is refused. */
export function readModelFiles(files: ModelFiles): ModelFilesRead {
  try {
    const r = report(files);
    return {
      valid: true,
      input: {
        kind: r.kind,
        backend: r.backend === 'none' ? null : r.backend,
        report: r,
        pairs: pairs(files),
        bundles: bundles(files),
        communities: communities(files),
        cart: cart(files),
        productOrders: productOrders(files),
      },
    };
  } catch (err) {
    if (err instanceof Refused) return {valid: false, reason: err.message};
    throw err;
  }
}

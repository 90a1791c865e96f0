import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {basketWeights} from '../trainer/score';
import {BASELINES, TAIL_BUCKETS, backfill, baseline, evaluate, tailBuckets} from '../trainer/evaluate';
import {rankPartners} from '../trainer/pairs';
import type {Baskets} from '../trainer/load';
import {BasketBuilder, readOrdersCsv, sliceBaskets} from '../trainer/load';
import type {Orders} from '../trainer/training-set';
import {trainingOrders} from '../trainer/training-set';
import {trainerCommand} from '../devkit/trainer-command';
import type {BenchOptions, BenchRow} from './types';

/**
 * The trainer's targets (issue B), each next to its reference measured in the same run:
 * - `--model stats` on online-retail against the C floor (../shared/bench/paircount.c): whole-process wall time
 *   (the target) and CPU time, medians of five interleaved runs;
 * - full training time on online-retail;
 * - full training on each data set (with `--products catalog.csv.gz` where it has one): wall time and stage times;
 * - protocol A NDCG@10 on all, seen and unseen test anchors (eval.mjs `--anchors`): seen against the best baseline
 *   there, unseen (new products) against the best sellers, the list every widget shows without one (issue 29: >= 1.10x);
 * - NDCG@10, hit rate and coverage on the three data sets against the best baseline (eval.mjs protocol), and
 *   the NDCG ceiling no recommendations file can pass; NDCG by the anchor's training orders (the tail buckets)
 *   for the published lists and co-count;
 * - the cart model's NDCG@10 (eval-cart.mjs, protocol B) against summed co-count and the EASE reference of issue J
 *   (full-catalogue EASE written as top-100 weights, measured when the issue was filed);
 * - a synthetic 70k-order, 16k-product store (the cart model's blocks past its dense part): time and peak RSS;
 * - a synthetic 1M-order, 100k-product store (demo/generate.ts): time and peak RSS, with this machine's threads and
 *   with four as on a 4-core host (skipped with --quick).
 * Full-mode rows name the TensorFlow.js backend, the cart model's dense size, its blocks past it and fit time.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = resolve(ROOT, '../shared');
const TIME = '/usr/bin/time';

type Measured = {wall: number; cpu: number; rssMiB: number};

/** Runs a command under /usr/bin/time: wall seconds, user+system CPU seconds, peak RSS. */
function measure(cmd: string, args: string[]): Measured {
  if (!existsSync(TIME)) {
    const t0 = performance.now();
    execFileSync(cmd, args, {stdio: 'ignore'});
    const wall = (performance.now() - t0) / 1000;
    return {wall, cpu: NaN, rssMiB: NaN};
  }
  const r = spawnSync(TIME, ['-f', 'TIME %e %U %S %M', cmd, ...args], {encoding: 'utf8', maxBuffer: 1 << 26});
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-500)}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '))!;
  const [wall, user, sys, rss] = line.split(' ').slice(1).map(Number);
  return {wall, cpu: user + sys, rssMiB: rss / 1024};
}

/** Median wall, CPU and RSS of repeated runs, each taken on its own. */
function medianOf(runs: Measured[]): Measured {
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {wall: mid(runs.map((r) => r.wall)), cpu: mid(runs.map((r) => r.cpu)), rssMiB: mid(runs.map((r) => r.rssMiB))};
}

function train(orders: string, out: string, model: 'stats' | 'full', extra: string[] = []): Measured {
  return measure(...trainerCommand(['--orders', orders, '--out', out, '--model', model, ...extra]));
}

/** What a full run's report.json says about its backend, cart model and (with --embeddings) embedding stage, for the row's note. */
function runNote(out: string): string {
  const r = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {backend: string; timings: Record<string, number>; cart: {method: string; dense_products: number; fit_s: number; blocks: {blocks: number; products: number} | null} | null};
  const t = r.timings;
  const blocks = r.cart?.blocks ? ` and ${r.cart.blocks.products} in ${r.cart.blocks.blocks} blocks` : '';
  const cart = r.cart ? `, cart ${r.cart.method} over ${r.cart.dense_products} dense products${blocks} (final fit ${r.cart.fit_s} s, stage ${t.cart_s} s)` : '';
  const embed = t.embed_s === undefined ? ', no embeddings' : `, embeddings ${t.embed_s} s + ${t.embed_validation_s} s alongside the validation`;
  return `backend ${r.backend}${cart}${embed}`;
}

/** The EASE reference of issue J (protocol B NDCG@10): full-catalogue EASE on train.csv.gz as top-100 weights. */
const EASE_REFERENCE: Record<string, number> = {'online-retail': 0.1251, groceries: 0.2288, 'instacart-subset': 0.061};

/** A synthetic store, generated once and kept under .bench/ (git-ignored); truth.json is written last, so its presence marks a complete copy. */
function syntheticStore(name: string, orders: number, products: number): string {
  const dir = join(ROOT, '.bench', name);
  if (existsSync(join(dir, 'truth.json'))) return dir;
  const partial = `${dir}.partial`;
  rmSync(partial, {recursive: true, force: true});
  mkdirSync(dirname(dir), {recursive: true});
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'demo/generate.ts'), '--seed', '1', '--orders', String(orders), '--products', String(products), '--out', partial], {stdio: 'ignore'});
  rmSync(dir, {recursive: true, force: true});
  renameSync(partial, dir);
  return dir;
}

function evalScript(set: string, recs: string, anchors: 'all' | 'seen' | 'unseen' = 'all'): {ndcg: number; hr: number; coverage: number; queries: number} {
  const d = join(SHARED, 'datasets', set);
  const out = execFileSync(process.execPath, [join(SHARED, 'bench/eval.mjs'), '--train', join(d, 'train.csv.gz'), '--test', join(d, 'test.csv.gz'), '--recs', recs, '--anchors', anchors], {encoding: 'utf8'});
  return JSON.parse(out) as {ndcg: number; hr: number; coverage: number; queries: number};
}

/** The store's catalogue (every product with its title, new ones included) where the data set has one. */
function catalogue(set: string): string | null {
  const file = join(SHARED, 'datasets', set, 'catalog.csv.gz');
  return existsSync(file) ? file : null;
}

/**
 * Protocol-A NDCG@10 of a baseline on the test anchors seen in training and on those that are not (new products),
 * as `eval.mjs --anchors seen|unseen` computes it (the same queries, split by the anchor's training orders).
 */
function byAnchors(tr: Orders, te: Baskets, recommend: (a: number) => ArrayLike<number>): Record<'seen' | 'unseen', number> {
  const perQuery: number[] = [];
  const anchors: number[] = [];
  evaluate(tr, te, recommend, 10, {perQuery, anchors});
  const {freq} = tr;
  const mean = (seen: boolean) => {
    const qs = perQuery.filter((_q, i) => (freq[anchors[i]] > 0) === seen);
    return qs.length ? Number((qs.reduce((a, b) => a + b, 0) / qs.length).toFixed(4)) : NaN;
  };
  return {seen: mean(true), unseen: mean(false)};
}

/**
 * The four baselines on train/test with the same protocol (trainer/evaluate matches eval.mjs to 4 decimals), and
 * the NDCG ceiling of any recommendations file: static lists ranked on the test orders themselves by each
 * partner's summed 1 / IDCG over the orders it shares with the anchor. NDCG is a sum over list positions of that
 * figure times the position's discount, so these lists are the exact optimum; what the baselines and the model
 * reach is read against it.
 */
async function baselines(set: string) {
  const d = join(SHARED, 'datasets', set);
  const builder = new BasketBuilder();
  await readOrdersCsv(join(d, 'train.csv.gz'), builder);
  const nTrain = builder.build().count;
  await readOrdersCsv(join(d, 'test.csv.gz'), builder);
  const all = builder.build();
  const tr = trainingOrders(sliceBaskets(all, 0, nTrain));
  const te = sliceBaskets(all, nTrain, all.count);
  const results = Object.fromEntries(BASELINES.map((b) => [b, evaluate(tr, te, baseline(tr, b))]));
  const best = rankPartners(te, 10, (_a, _b, _count, w) => w, {basketWeight: basketWeights(te, {sizeWeight: 'ndcg', halfLifeDays: 0})});
  const ceiling = evaluate(tr, te, (a) => best.items.subarray(best.offsets[a], best.offsets[a + 1]));
  return {results: {...results, ceiling} as Record<(typeof BASELINES)[number] | 'ceiling', ReturnType<typeof evaluate>>, tr, te, builder};
}

/**
 * Protocol-A NDCG@10 on the test orders by the anchor's training orders (TAIL_BUCKETS), for a recommendations.csv
 * and for co-count, both back-filled by popularity as the widgets do.
 */
function tailOnTest(tr: Orders, te: Baskets, builder: BasketBuilder, recsFile: string) {
  const lists = new Map<number, number[]>();
  for (const line of readFileSync(recsFile, 'utf8').trim().split('\n').slice(1)) {
    const [p, , q] = line.split(',');
    const a = builder.item(p);
    lists.set(a, [...(lists.get(a) ?? []), builder.item(q)]);
  }
  const {freq, popular} = tr;
  const buckets = (recommend: (a: number) => ArrayLike<number>) => {
    const perQuery: number[] = [];
    const anchors: number[] = [];
    evaluate(tr, te, recommend, 10, {perQuery, anchors});
    return tailBuckets(freq, anchors, perQuery);
  };
  return {model: buckets((a) => backfill([...(lists.get(a) ?? [])], a, popular, 10)), cocount: buckets(baseline(tr, 'cocount'))};
}

function evalCart(set: string, source: string[]): {ndcg: number; hr: number} {
  const d = join(SHARED, 'datasets', set);
  const out = execFileSync(process.execPath, [join(SHARED, 'bench/eval-cart.mjs'), '--train', join(d, 'train.csv.gz'), '--test', join(d, 'test.csv.gz'), ...source], {encoding: 'utf8'});
  return JSON.parse(out) as {ndcg: number; hr: number};
}

async function quality(set: string, work: string): Promise<{rows: BenchRow[]; ratio: number; ceilingRatio: number; cartRatio: number}> {
  const out = join(work, set);
  const products = catalogue(set);
  const fit = train(join(SHARED, 'datasets', set, 'train.csv.gz'), out, 'full', products ? ['--products', products] : []);
  const model = evalScript(set, join(out, 'recommendations.csv'));
  const {results: base, tr, te, builder} = await baselines(set);
  const best = BASELINES.reduce((x, y) => (base[y].ndcg > base[x].ndcg ? y : x));
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
    kind: string;
    timings: Record<string, number>;
    cart: {method: string; dense_products: number; fit_s: number; gate: string};
    cold_start: {published: string; reason: string} | null;
  };
  const split = Object.fromEntries(BASELINES.map((b) => [b, byAnchors(tr, te, baseline(tr, b))])) as Record<(typeof BASELINES)[number], Record<'seen' | 'unseen', number>>;
  const bestSeen = BASELINES.reduce((x, y) => (split[y].seen > split[x].seen ? y : x));
  const seen = evalScript(set, join(out, 'recommendations.csv'), 'seen');
  const unseen = evalScript(set, join(out, 'recommendations.csv'), 'unseen');
  const ratio = model.ndcg / base[best].ndcg;
  const ceilingRatio = base.ceiling.ndcg / base[best].ndcg;
  const cart = evalCart(set, ['--weights', join(out, 'cart.csv')]);
  const cooc = evalCart(set, ['--baseline', 'cooc']);
  const reference = EASE_REFERENCE[set];
  const tail = tailOnTest(tr, te, builder, join(out, 'recommendations.csv'));
  const t = report.timings;
  return {
    ratio,
    ceilingRatio,
    cartRatio: cart.ndcg / reference,
    rows: [
      {name: `${set} full training (wall)`, value: fit.wall, unit: 's', note: `CPU ${fit.cpu.toFixed(1)} s; stages: validate ${t.tune_s} s, gate ${t.gate_s} s, cart ${t.cart_s} s (final fit ${report.cart.fit_s} s), cold start ${t.cold_start_s ?? 0} s${products ? ', with --products catalog.csv.gz' : ''}`},
      {name: `${set} NDCG@10 (${report.kind})`, value: model.ndcg, unit: '', reference: base[best].ndcg, referenceName: best, ratio, target: '>= 1 (and 1.02 geo-mean, a stretch)'},
      {name: `${set} NDCG@10 ceiling`, value: base.ceiling.ndcg, unit: '', reference: base[best].ndcg, referenceName: best, ratio: ceilingRatio, note: 'static lists ranked on the test orders: the most any recommendations file can score'},
      {name: `${set} NDCG@10, seen anchors`, value: seen.ndcg, unit: '', reference: split[bestSeen].seen, referenceName: bestSeen, ratio: seen.ndcg / split[bestSeen].seen, target: '>= 1', note: `${seen.queries} queries`},
      ...(unseen.queries > 0
        ? [{name: `${set} NDCG@10, unseen anchors (new products)`, value: unseen.ndcg, unit: '', reference: split.popularity.unseen, referenceName: 'best sellers', ratio: unseen.ndcg / split.popularity.unseen, target: '>= 1.10', note: `${unseen.queries} queries; ${report.cold_start ? `published ${report.cold_start.published} for new products` : 'no cold start'}`}]
        : []),
      {name: `${set} hit rate@10`, value: model.hr, unit: '', reference: base[best].hr, referenceName: best, ratio: model.hr / base[best].hr, target: '>= 0.99'},
      {name: `${set} coverage`, value: model.coverage, unit: '', reference: base.cocount.coverage, referenceName: 'cocount', ratio: model.coverage / base.cocount.coverage, target: '>= 1'},
      ...TAIL_BUCKETS.map((b) => ({
        name: `${set} NDCG@10, anchors with ${b.name} training orders`,
        value: tail.model[b.name].ndcg,
        unit: '',
        reference: tail.cocount[b.name].ndcg,
        referenceName: 'cocount',
        ratio: tail.cocount[b.name].ndcg > 0 ? tail.model[b.name].ndcg / tail.cocount[b.name].ndcg : undefined,
        note: `${tail.model[b.name].queries} queries`,
      })),
      {name: `${set} cart NDCG@10 (protocol B, ${report.cart.method}, ${report.cart.dense_products} dense)`, value: cart.ndcg, unit: '', reference, referenceName: 'EASE reference', ratio: cart.ndcg / reference, target: '>= 1 (and 1.014 geo-mean)', note: report.cart.gate.split(';')[0]},
      {name: `${set} cart NDCG@10, summed co-count`, value: cooc.ndcg, unit: '', reference, referenceName: 'EASE reference', ratio: cooc.ndcg / reference},
    ],
  };
}

export async function benchTrainer(opts: BenchOptions): Promise<BenchRow[]> {
  const retail = join(SHARED, 'datasets/online-retail');
  if (!existsSync(retail)) throw new Error(`data sets not found under ${SHARED}/datasets: trainer benchmarks need them`);
  const work = mkdtempSync(join(tmpdir(), 'pairwise-bench-trainer-'));
  const rows: BenchRow[] = [];

  const floor = join(work, 'paircount');
  execFileSync('cc', ['-O3', '-o', floor, join(SHARED, 'bench/paircount.c')]);
  const orders = join(retail, 'orders.csv.gz');
  // Side by side, interleaved, five times each; the medians are compared (a shared machine drifts by ±30%).
  const cRuns: Measured[] = [];
  const statsRuns: Measured[] = [];
  for (let r = 0; r < 5; r++) {
    cRuns.push(measure(floor, [orders]));
    statsRuns.push(train(orders, join(work, 'stats'), 'stats'));
  }
  const c = medianOf(cRuns);
  const stats = medianOf(statsRuns);
  const runs = (m: Measured[], key: 'wall' | 'cpu') => m.map((x) => x[key].toFixed(2)).join(' / ');
  rows.push({name: 'stats mode, online-retail (wall, median of 5)', value: stats.wall, unit: 's', reference: c.wall, referenceName: 'C paircount', ratio: stats.wall / c.wall, target: '<= 2x', note: `runs ${runs(statsRuns, 'wall')} vs C ${runs(cRuns, 'wall')}`});
  rows.push({name: 'stats mode, online-retail (process CPU, median of 5)', value: stats.cpu, unit: 's', reference: c.cpu, referenceName: 'C paircount', ratio: stats.cpu / c.cpu, note: `uses 2 threads; runs ${runs(statsRuns, 'cpu')} vs C ${runs(cRuns, 'cpu')}`});

  const full = train(join(retail, 'train.csv.gz'), join(work, 'full'), 'full');
  rows.push({name: 'full training, online-retail train (wall)', value: full.wall, unit: 's', target: '<= 60 s', note: `CPU ${full.cpu.toFixed(1)} s, RSS ${full.rssMiB.toFixed(0)} MiB, ${runNote(join(work, 'full'))}`});

  const sets = opts.quick ? ['groceries', 'instacart-subset'] : ['groceries', 'instacart-subset', 'online-retail'];
  const ratios: number[] = [];
  const ceilings: number[] = [];
  const cartRatios: number[] = [];
  for (const set of sets) {
    const q = await quality(set, work);
    rows.push(...q.rows);
    ratios.push(q.ratio);
    ceilings.push(q.ceilingRatio);
    cartRatios.push(q.cartRatio);
  }
  const geo = (xs: number[]) => Math.exp(xs.reduce((s, r) => s + Math.log(r), 0) / xs.length);
  rows.push({name: 'NDCG@10 / best baseline, geometric mean', value: geo(ratios), unit: 'x', reference: geo(ceilings), referenceName: 'ceiling', target: '>= 1.02 (a stretch)'});
  rows.push({name: 'cart NDCG@10 / EASE reference, geometric mean', value: geo(cartRatios), unit: 'x', target: '>= 1.014'});

  if (!opts.quick) {
    // Issue 29's large catalogue: 16k products, most of them past the cart model's dense part (its blocks' time and memory).
    const wide = syntheticStore('synthetic-16k', 70_000, 16_000);
    const wideRun = train(join(wide, 'orders.csv.gz'), join(work, 'synthetic-16k-out'), 'full');
    rows.push({name: 'synthetic 70k orders / 16k products (wall)', value: wideRun.wall, unit: 's', note: `CPU ${wideRun.cpu.toFixed(1)} s, peak RSS ${wideRun.rssMiB.toFixed(0)} MiB, ${runNote(join(work, 'synthetic-16k-out'))}`});
    const synth = syntheticStore('synthetic-1m', 1_000_000, 100_000);
    const big = train(join(synth, 'orders.csv.gz'), join(work, 'synthetic-out'), 'full');
    rows.push({name: 'synthetic 1M orders / 100k products (wall)', value: big.wall, unit: 's', target: '<= 300 s', note: `CPU ${big.cpu.toFixed(1)} s, ${runNote(join(work, 'synthetic-out'))}`});
    rows.push({name: 'synthetic 1M orders / 100k products peak RSS', value: big.rssMiB, unit: 'MiB', target: '<= 2048 MiB'});
    // A 4-core host runs three worker threads (the default here is one): what their share of memory costs.
    const four = train(join(synth, 'orders.csv.gz'), join(work, 'synthetic-out-4'), 'full', ['--threads', '4']);
    rows.push({name: 'synthetic 1M orders, 4 threads as on a 4-core host (wall)', value: four.wall, unit: 's', note: 'four threads on this machine\'s two cores'});
    rows.push({name: 'synthetic 1M orders, 4 threads peak RSS', value: four.rssMiB, unit: 'MiB', target: '<= 2048 MiB'});
  }
  return rows;
}

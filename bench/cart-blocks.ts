/**
 * What the block fit (trainer/cart/blocks.ts) keeps of the full dense fit (issue 29, large catalogues), on one
 * orders file split 80/20 in time order (the shared sets' train/test) and on the training part's rolling-origin
 * validation slices (--slices). Each variant is fitted with the same settings (--lambda, --tail, --beta,
 * --recency, --dropout):
 *   full       every product ordered twice or more in the dense part (the reference the block fit approximates);
 *   dense      the `--dense` most-ordered products, shrunk co-count past them (the cart model before blocks);
 *   blocked    the same dense part plus blocks of `--block` products: the `--core` most ordered, members and
 *              `--context` products (no limit on the number of blocks).
 * Prints protocol B NDCG@10 per variant on each validation slice and on test, the final fit's time and the process
 * RSS after it, and the overlap of each product's rows with the full fit's (shared row items / rows of the full
 * fit), overall and for the products outside the dense part.
 *   npx tsx bench/cart-blocks.ts --train ../shared/datasets/online-retail/train.csv.gz \
 *     --test ../shared/datasets/online-retail/test.csv.gz --dense 1000 --block 1500 --core 500 --context 250 \
 *     --lambda 30 [--variants full,dense,blocked] [--slices]
 *   (--orders orders.csv.gz instead of --train/--test: its first 80% of orders train, the rest test)
 */
import {parseArgs} from 'node:util';
import {selectBackend} from '../trainer/backend';
import type {CartParams} from '../trainer/cart/model';
import {fitCart} from '../trainer/cart/model';
import {evaluateCart} from '../trainer/cart/evaluate';
import type {CartWeights} from '../trainer/cart/weights';
import {BasketBuilder, readOrdersCsv} from '../trainer/load';
import type {Baskets} from '../trainer/load';
import {timeSplit, trainingOrders, trainingSlices} from '../trainer/training-set';

const {values: args} = parseArgs({
  options: {
    train: {type: 'string'}, test: {type: 'string'}, orders: {type: 'string'}, dense: {type: 'string', default: '1000'}, block: {type: 'string', default: '1000'},
    core: {type: 'string', default: '250'}, context: {type: 'string', default: '0'}, lambda: {type: 'string', default: '100'}, tail: {type: 'string', default: '0'}, beta: {type: 'string', default: '0'}, recency: {type: 'string', default: '0'}, dropout: {type: 'string', default: '0'},
    variants: {type: 'string', default: 'full,dense,blocked'}, slices: {type: 'boolean', default: false},
  },
});

async function load(): Promise<{train: Baskets; test: Baskets}> {
  const builder = new BasketBuilder();
  if (args.orders) {
    await readOrdersCsv(args.orders, builder);
    return timeSplit(builder.build(), 0.2);
  }
  await readOrdersCsv(args.train!, builder);
  const cut = builder.build().count;
  await readOrdersCsv(args.test!, builder);
  const all = builder.build();
  const {sliceBaskets} = await import('../trainer/load');
  return {train: sliceBaskets(all, 0, cut), test: sliceBaskets(all, cut, all.count)};
}

/** Mean over products with rows in `ref` (optionally only `which`) of |rows(w) ∩ rows(ref)| / |rows(ref)|. */
function overlap(w: CartWeights, ref: CartWeights, which: (i: number) => boolean): number {
  let sum = 0, n = 0;
  for (let i = 0; i < ref.offsets.length - 1; i++) {
    const r0 = ref.offsets[i], r1 = ref.offsets[i + 1];
    if (r1 === r0 || !which(i)) continue;
    const mine = new Set(w.items.subarray(w.offsets[i], w.offsets[i + 1]));
    let shared = 0;
    for (let r = r0; r < r1; r++) if (mine.has(ref.items[r])) shared++;
    sum += shared / (r1 - r0);
    n++;
  }
  return n ? Number((sum / n).toFixed(4)) : NaN;
}

async function main() {
  await selectBackend('wasm');
  const split = await load();
  const train = trainingOrders(split.train);
  const {test} = split;
  const {freq} = train;
  const twice = freq.filter((f) => f >= 2).length;
  const dense = Number(args.dense);
  const base = {lambda: Number(args.lambda), tailScale: Number(args.tail), beta: Number(args.beta), recency: Number(args.recency), dropout: Number(args.dropout)};
  const variants: Record<string, CartParams> = {
    full: {...base, dense: twice},
    dense: {...base, dense},
    blocked: {...base, dense, blocks: {size: Number(args.block), core: Number(args.core), context: Number(args.context)}},
  };
  const names = args.variants!.split(',');
  console.log(`products ordered twice or more: ${twice}; dense ${dense}, block ${args.block}, core ${args.core}, context ${args.context}, λ ${base.lambda}, tail ${base.tailScale}, β ${base.beta}, recency ${base.recency}, dropout ${base.dropout}`);
  const slices = args.slices ? trainingSlices(split.train, 3, 0.1) : [];
  const fits: Record<string, CartWeights> = {};
  const top = new Set(Array.from(freq.keys()).sort((x, y) => freq[y] - freq[x] || x - y).slice(0, dense));
  for (const name of names) {
    const params = variants[name];
    const ndcg = slices.map((s) => evaluateCart(s.train, s.test, fitCart(s.train, params), 10).ndcg);
    const t0 = performance.now();
    const w = fitCart(train, params);
    const seconds = (performance.now() - t0) / 1000;
    const rss = process.memoryUsage().rss / 2 ** 20;
    fits[name] = w;
    const testNdcg = evaluateCart(train, test, w, 10).ndcg;
    const ref = fits.full;
    const kept = ref && name !== 'full' ? `, row overlap with full ${overlap(w, ref, () => true)} (past the dense part ${overlap(w, ref, (i) => !top.has(i))})` : '';
    console.log(`${name}: validation NDCG@10 ${ndcg.join(' / ')}; test ${testNdcg}; fit ${seconds.toFixed(1)} s, RSS ${rss.toFixed(0)} MiB${kept}`);
  }
}

await main();

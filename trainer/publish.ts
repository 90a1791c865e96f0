import type {ModelCartRow, ModelPairRow} from '../storage/repos/model-writer';
import {modelWriter} from '../storage/repos/model-writer';
import {trainRunsRepo} from '../storage/repos/train-runs';
import type {ProductTextRow, TrainingLine} from '../storage/repos/training-data';
import {trainingDataRepo} from '../storage/repos/training-data';
import type {Db} from '../storage/open';
import {openShopDbUnmigrated} from '../storage/open';
import {parseShopDomain} from '../storage/shop-domain';
import type {CliOptions} from './cli';
import type {Baskets} from './load';
import {BasketBuilder} from './load';
import type {TrainResult} from './pipeline';
import {train} from './pipeline';
import {createProgress} from './progress';
import type {ProductText} from './text';
import {buildReport} from './write';
import {pairRows} from './list-files';
import type {TrainerThreads} from './threads';

/**
 * DB mode: the shop's non-cancelled orders in, a new model version out, written and activated in one
 * transaction (models repo). The run row is marked published in that same transaction.
 */

/** Test hook: `PAIRWISE_TRAINER_FAULT=kill-before-flip` kills the process inside the publishing transaction. */
const FAULT = process.env.PAIRWISE_TRAINER_FAULT;

/** Baskets from the shop's order lines; catalogue products come first so unordered ones get an index too. */
export function loadShopBaskets(lines: Iterable<TrainingLine>, products: Iterable<ProductTextRow> = []): {baskets: Baskets; texts: ProductText[]} {
  const builder = new BasketBuilder();
  const texts: ProductText[] = [];
  for (const p of products) {
    const index = builder.item(String(p.productId), p.title, p.price ?? NaN);
    texts.push({index, title: p.title, product_type: p.productType, vendor: p.vendor, tags: p.tags, description: p.description});
  }
  let lastOrder: TrainingLine['orderId'] = -1;
  let order = 0;
  for (const l of lines) {
    if (l.orderId !== lastOrder) {
      order = builder.order(String(l.orderId), Date.parse(l.createdAt));
      lastOrder = l.orderId;
    }
    builder.line(order, builder.item(String(l.productId)));
  }
  return {baskets: builder.build(), texts};
}

/** Published pairs with the shop's numeric product ids. */
export function* modelPairRows(baskets: Baskets, result: TrainResult): Generator<ModelPairRow> {
  for (const r of pairRows(result.companions, result.freq, baskets.count, result.embeddingSim)) {
    yield {
      productId: Number(baskets.itemIds[r.product]),
      rank: r.rank,
      companionId: Number(baskets.itemIds[r.companion]),
      score: r.score,
      source: r.source,
      count: r.count,
      support: r.support,
      confidence: r.confidence,
      lift: r.lift,
      jaccard: r.jaccard,
      cosine: r.cosine,
      llr: r.llr,
      embeddingSim: r.embeddingSim,
      textSim: null,
    };
  }
}

/** The cart model's weights with the shop's numeric product ids (cart/weights.ts holds them by item index). */
export function* modelCartRows(baskets: Baskets, result: TrainResult): Generator<ModelCartRow> {
  const w = result.cart?.weights;
  if (!w) return;
  for (let product = 0; product + 1 < w.offsets.length; product++) {
    const productId = Number(baskets.itemIds[product]);
    for (let k = w.offsets[product]; k < w.offsets[product + 1]; k++) {
      yield {productId, companionId: Number(baskets.itemIds[w.items[k]]), weight: w.weights[k]};
    }
  }
}

export async function runShop(o: CliOptions, pool?: TrainerThreads): Promise<number> {
  const shop = parseShopDomain(o.shop);
  if (!shop) throw new Error(`invalid shop domain: ${JSON.stringify(o.shop)}`);
  const t0 = performance.now();
  const db = openShopDbUnmigrated(o.dataDir, shop);
  try {
    const runs = trainRunsRepo(db);
    const runId = o.runId ?? runs.start();
    try {
      return await publishRun(db, o, runId, t0, pool);
    } catch (err) {
      runs.fail(runId, err instanceof Error ? err.message : String(err));
      throw err;
    }
  } finally {
    db.close();
  }
}

async function publishRun(db: Db, o: CliOptions, runId: number, t0: number, pool?: TrainerThreads): Promise<number> {
  const progress = createProgress();
  progress.stage('load', 0, 0.05);
  const data = trainingDataRepo(db);
  const {baskets, texts} = loadShopBaskets(data.orderLines(), data.productTexts());
  const loadS = (performance.now() - t0) / 1000;
  const result = await train(baskets, {model: o.model, seed: o.seed, texts, backend: o.backend, embeddings: o.embeddings, pool}, progress);
  progress.stage('publish', 0.99, 1);
  const timings = {load_s: Number(loadS.toFixed(3)), ...result.timings, total_s: Number(((performance.now() - t0) / 1000).toFixed(3))};
  const report = buildReport(
    {badRows: [], badRowCount: 0, lines: 0, skippedLines: 0, cancelledOrders: 0, orders: baskets.count, products: baskets.itemIds.length},
    result,
    {backend: result.backend?.name ?? 'none', threads: pool?.threads ?? 1, timings},
  );
  const id = (i: number) => Number(baskets.itemIds[i]);
  const version = modelWriter(db).publish(
    {
      kind: result.kind,
      backend: result.backend?.name ?? null,
      report,
      pairs: modelPairRows(baskets, result),
      bundles: result.bundles.map((b) => ({productIds: b.items.map(id), count: b.count, support: b.support, lift: b.lift})),
      communities: result.communities.map((c) => ({communityId: c.id, productIds: c.items.map(id)})),
      cart: modelCartRows(baskets, result),
      productOrders: baskets.itemIds.map((productId, i) => ({productId: Number(productId), orders: result.freq[i]})),
      runId,
    },
    FAULT === 'kill-before-flip' ? () => process.kill(process.pid, 'SIGKILL') : undefined,
  );
  progress.done();
  return version;
}

import {perDb} from '../per-db';
import type {Db} from '../open';
import type {RankedCompanion} from '../../domain/model';
import {strongestPairs} from '../../domain/insights';
import {modelInsights} from './model-insights';

/** One published pair (product -> companion) with the statistics that explain it. */
export interface ModelPairRow extends RankedCompanion {
  productId: number;
  jaccard: number | null;
  cosine: number | null;
  llr: number | null;
  embeddingSim: number | null;
  textSim: number | null;
}

/** One weight of the cart model: what `productId` in a cart adds to `companionId`'s score. */
export interface ModelCartRow {
  productId: number;
  companionId: number;
  weight: number;
}

export interface ModelVersionInput {
  /** 'model', or the baseline published instead when the model lost the gate. */
  kind: string;
  backend: string | null;
  report: Record<string, unknown>;
  pairs: Iterable<ModelPairRow>;
  bundles: {productIds: number[]; count: number; support: number; lift: number}[];
  communities: {communityId: number; productIds: number[]}[];
  /** The cart model's weights, product -> companion (none in stats mode). */
  cart?: Iterable<ModelCartRow>;
  /** How many orders held each product in the training data (the admin's order counts read these). */
  productOrders?: Iterable<{productId: number; orders: number}>;
  /** The training run to mark 'published' in the same transaction. */
  runId?: number;
}

/**
 * The trainer's writes. `publish` inserts a whole version and flips `model_active` in ONE transaction: the
 * server sees the old model or the new one, never a half-written one, and a crash at any point leaves the old
 * one active. The previous version is kept (model_active.previous_version, with its rows) so an operator can
 * point back to it; older ones are deleted.
 */
function createModelWriter(db: Db) {
  const insertVersion = db.prepare<[string, string, string | null, string]>(
    `INSERT INTO model_versions (created_at, status, kind, backend, report) VALUES (?, 'building', ?, ?, ?)`,
  );
  const insertPair = db.prepare(
    `INSERT INTO model_pairs (version, product_id, rank, companion_id, score, source, count, support, confidence, lift, jaccard, cosine, llr, embedding_sim, text_sim)
     VALUES (@version, @productId, @rank, @companionId, @score, @source, @count, @support, @confidence, @lift, @jaccard, @cosine, @llr, @embeddingSim, @textSim)`,
  );
  const insertBundle = db.prepare<[number, number, string, number, number, number]>(
    'INSERT INTO model_bundles (version, bundle_id, product_ids, count, support, lift) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertMember = db.prepare<[number, number, number]>('INSERT INTO model_communities (version, community_id, product_id) VALUES (?, ?, ?)');
  const insertProductOrders = db.prepare<[number, number, number]>('INSERT INTO model_product_orders (version, product_id, orders) VALUES (?, ?, ?)');
  const insertCart = db.prepare<[number, number, number, number]>('INSERT INTO model_cart (version, product_id, companion_id, weight) VALUES (?, ?, ?, ?)');
  const insights = modelInsights(db);
  const markReady = db.prepare<[number]>(`UPDATE model_versions SET status = 'ready' WHERE version = ?`);
  const current = db.prepare<[], {version: number; previous_version: number | null}>('SELECT version, previous_version FROM model_active WHERE singleton = 1');
  const flip = db.prepare<[number, number | null, string]>(
    `INSERT INTO model_active (singleton, version, previous_version, activated_at) VALUES (1, ?, ?, ?)
     ON CONFLICT (singleton) DO UPDATE SET version = excluded.version, previous_version = excluded.previous_version, activated_at = excluded.activated_at`,
  );
  const runPublished = db.prepare<[string, number, number]>(
    `UPDATE train_runs SET status = 'published', stage = 'done', progress = 1, finished_at = ?, version = ? WHERE id = ?`,
  );
  const stale = db.prepare<[number, number], {version: number}>('SELECT version FROM model_versions WHERE version NOT IN (?, ?)');
  const deletes = [
    'model_pairs', 'model_bundles', 'model_communities', 'model_cart', 'model_product_orders',
    'model_insight_communities', 'model_insight_members', 'model_insight_pairs', 'model_versions',
  ].map((t) => db.prepare<[number]>(`DELETE FROM ${t} WHERE version = ?`));

  const publish = db.transaction((input: ModelVersionInput, beforeFlip?: () => void): number => {
    const now = new Date().toISOString();
    const version = Number(insertVersion.run(now, input.kind, input.backend, JSON.stringify(input.report)).lastInsertRowid);
    // Insights are worked out as the rows go by, so the admin page reads them by key (model-insights.ts).
    const strongest = strongestPairs();
    for (const p of input.pairs) {
      insertPair.run({...p, version});
      strongest.add(p);
    }
    input.bundles.forEach((b, i) => insertBundle.run(version, i + 1, JSON.stringify(b.productIds), b.count, b.support, b.lift));
    for (const c of input.communities) for (const p of c.productIds) insertMember.run(version, c.communityId, p);
    for (const w of input.cart ?? []) insertCart.run(version, w.productId, w.companionId, w.weight);
    const orders = new Map<number, number>();
    for (const p of input.productOrders ?? []) {
      insertProductOrders.run(version, p.productId, p.orders);
      orders.set(p.productId, p.orders);
    }
    insights.write(version, {communities: input.communities, orders, strongest: strongest.result()});
    markReady.run(version);
    beforeFlip?.();
    const old = current.get();
    flip.run(version, old?.version ?? null, now);
    if (input.runId !== undefined) runPublished.run(now, version, input.runId);
    for (const {version: v} of stale.all(version, old?.version ?? -1)) for (const d of deletes) d.run(v);
    return version;
  });

  return {
    /** Writes the version and makes it active atomically; `beforeFlip` runs inside the transaction (fault tests). */
    publish: (input: ModelVersionInput, beforeFlip?: () => void): number => publish(input, beforeFlip),
  };
}

export const modelWriter = perDb(createModelWriter);

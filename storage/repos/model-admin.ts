import {perDb} from '../per-db';
import type {Db} from '../open';
import type {ActiveModel, ModelBundle, RankedCompanion, TrainRun} from '../../domain/model';

/** The reads of the model tables the admin pages need: explanations, bundles, communities, runs. */
function createAdminModelReads(db: Db) {
  const active = db.prepare<[], {version: number; created_at: string; activated_at: string; kind: string; backend: string | null; report: string}>(
    `SELECT v.version, v.created_at, a.activated_at, v.kind, v.backend, v.report
     FROM model_active a JOIN model_versions v ON v.version = a.version WHERE a.singleton = 1`,
  );
  const companions = db.prepare<[number, number], RankedCompanion>(
    `SELECT companion_id AS companionId, rank, score, source, count, support, confidence, lift
     FROM model_pairs WHERE version = ? AND product_id = ? ORDER BY rank`,
  );
  const listing = db.prepare<[number, number], {product_id: number}>(
    'SELECT DISTINCT product_id FROM model_pairs WHERE version = ? AND companion_id = ?',
  );
  const bundles = db.prepare<[number, number, number], {bundle_id: number; product_ids: string; count: number; support: number; lift: number}>(
    'SELECT bundle_id, product_ids, count, support, lift FROM model_bundles WHERE version = ? ORDER BY lift * support DESC, bundle_id LIMIT ? OFFSET ?',
  );
  const bundleCount = db.prepare<[number], {n: number}>('SELECT count(*) AS n FROM model_bundles WHERE version = ?');
  const bundle = db.prepare<[number, number], {bundle_id: number; product_ids: string; count: number; support: number; lift: number}>(
    'SELECT bundle_id, product_ids, count, support, lift FROM model_bundles WHERE version = ? AND bundle_id = ?',
  );
  // The best sellers first (model_product_orders_rank), then each one's own list (at most 20 rows by the key).
  const lonelyBestSellers = db.prepare<[{version: number; minConfidence: number; minLift: number; among: number}], {product_id: number; orders: number}>(
    `SELECT b.product_id, b.orders FROM (
       SELECT product_id, orders FROM model_product_orders WHERE version = @version ORDER BY orders DESC, product_id LIMIT @among
     ) b
     WHERE NOT EXISTS (SELECT 1 FROM model_pairs p WHERE p.version = @version AND p.product_id = b.product_id AND p.confidence >= @minConfidence AND p.lift >= @minLift)
     ORDER BY b.orders DESC, b.product_id`,
  );
  const runs = db.prepare<[number], {id: number; started_at: string; finished_at: string | null; status: string; stage: string | null; progress: number; version: number | null; error: string | null}>(
    'SELECT * FROM train_runs ORDER BY id DESC LIMIT ?',
  );
  const toBundle = (r: {bundle_id: number; product_ids: string; count: number; support: number; lift: number}): ModelBundle => ({
    bundleId: r.bundle_id,
    productIds: JSON.parse(r.product_ids) as number[],
    count: r.count,
    support: r.support,
    lift: r.lift,
  });
  return {
    active(): ActiveModel | null {
      const r = active.get();
      if (!r) return null;
      let report: Record<string, unknown> = {};
      try {
        report = JSON.parse(r.report) as Record<string, unknown>;
      } catch {
        report = {};
      }
      return {version: r.version, createdAt: r.created_at, activatedAt: r.activated_at, kind: r.kind, backend: r.backend, report};
    },
    companions: (version: number, productId: number): RankedCompanion[] => companions.all(version, productId),
    /** Products whose list holds this companion. */
    productsListing: (version: number, companionId: number): number[] => listing.all(version, companionId).map((r) => r.product_id),
    bundles: (version: number, limit: number, offset: number) => ({
      items: bundles.all(version, limit, offset).map(toBundle),
      total: bundleCount.get(version)!.n,
    }),
    bundle(version: number, bundleId: number): ModelBundle | undefined {
      const r = bundle.get(version, bundleId);
      return r && toBundle(r);
    },
    /** Among the `among` most ordered products, those without a companion that passes the thresholds, most ordered first. */
    lonelyBestSellers: (version: number, minConfidence: number, minLift: number, among: number) =>
      lonelyBestSellers.all({version, minConfidence, minLift, among}).map((r) => ({productId: r.product_id, orders: r.orders})),
    runs: (limit: number): TrainRun[] =>
      runs.all(limit).map((r) => ({
        id: r.id, startedAt: r.started_at, finishedAt: r.finished_at, status: r.status, stage: r.stage,
        progress: r.progress, version: r.version, error: r.error,
      })),
  };
}

export const adminModelReads = perDb(createAdminModelReads);

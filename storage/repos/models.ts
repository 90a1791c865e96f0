import type {Statement} from 'better-sqlite3';
import {perDb} from '../per-db';
import type {Db} from '../open';
import type {ActiveModel, ModelBundle, RankedCompanion, TopPair, TrainRun} from '../../domain/model';

export type {ActiveModel, ModelBundle, RankedCompanion, TopPair, TrainRun};

// All SQL on the model tables (migrations/shop/002_model.sql). The trainer writes a version and flips
// `model_active` in one transaction; the server only reads.

// ---- Read side (server) ----

export interface ModelCandidate {
  id: number;
  score: number;
  confidence: number;
  lift: number;
}

const activeStatements = new WeakMap<Db, Statement<[], {version: number}>>();

/** The version the storefront should serve, or null before the first publish. Checked on every proxy request. */
export function activeModelVersion(db: Db): number | null {
  let stmt = activeStatements.get(db);
  if (!stmt) activeStatements.set(db, (stmt = db.prepare('SELECT version FROM model_active WHERE singleton = 1')));
  return stmt.get()?.version ?? null;
}

/** Every product's companion list of a version, best first: what the storefront holds in memory. */
export function loadModelCompanions(db: Db, version: number): Map<number, ModelCandidate[]> {
  const lists = new Map<number, ModelCandidate[]>();
  const rows = db
    .prepare<[number], {product_id: number; companion_id: number; score: number; confidence: number; lift: number}>(
      'SELECT product_id, companion_id, score, confidence, lift FROM model_pairs WHERE version = ? ORDER BY product_id, rank',
    )
    .iterate(version);
  for (const r of rows) {
    let list = lists.get(r.product_id);
    if (!list) lists.set(r.product_id, (list = []));
    list.push({id: r.companion_id, score: r.score, confidence: r.confidence, lift: r.lift});
  }
  return lists;
}

// ---- Admin reads (issue D: the embedded admin's pages) ----

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
  const communities = db.prepare<[number], {community_id: number; product_id: number}>(
    'SELECT community_id, product_id FROM model_communities WHERE version = ? ORDER BY community_id, product_id',
  );
  const topPairs = db.prepare<[number, number, number], TopPair>(
    `SELECT product_id AS productId, companion_id AS companionId, rank, score, source, count, support, confidence, lift
     FROM model_pairs WHERE version = ? AND count >= ? ORDER BY lift DESC, count DESC, product_id LIMIT ?`,
  );
  const withGoodCompanions = db.prepare<[number, number, number], {product_id: number}>(
    'SELECT DISTINCT product_id FROM model_pairs WHERE version = ? AND confidence >= ? AND lift >= ?',
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
    communities(version: number): {communityId: number; productIds: number[]}[] {
      const groups = new Map<number, number[]>();
      for (const r of communities.all(version)) {
        const g = groups.get(r.community_id) ?? [];
        g.push(r.product_id);
        groups.set(r.community_id, g);
      }
      return [...groups].map(([communityId, productIds]) => ({communityId, productIds}));
    },
    /** Each pair once, strongest lift first, among pairs seen in at least `minCount` orders. */
    topPairs(version: number, minCount: number, limit: number): TopPair[] {
      const seen = new Set<string>();
      const pairs: TopPair[] = [];
      // Both directions of a pair have the same lift: read twice as many and keep each pair once.
      for (const p of topPairs.all(version, minCount, limit * 2)) {
        const key = p.productId < p.companionId ? `${p.productId}-${p.companionId}` : `${p.companionId}-${p.productId}`;
        if (seen.has(key) || pairs.length >= limit) continue;
        seen.add(key);
        pairs.push(p);
      }
      return pairs;
    },
    withGoodCompanions: (version: number, minConfidence: number, minLift: number) =>
      new Set(withGoodCompanions.all(version, minConfidence, minLift).map((r) => r.product_id)),
    runs: (limit: number): TrainRun[] =>
      runs.all(limit).map((r) => ({
        id: r.id, startedAt: r.started_at, finishedAt: r.finished_at, status: r.status, stage: r.stage,
        progress: r.progress, version: r.version, error: r.error,
      })),
  };
}

export const adminModelReads = perDb(createAdminModelReads);

// ---- Write side (trainer) and training runs (server job) ----

/** One published pair (product -> companion) with the statistics that explain it. */
export interface ModelPairRow extends RankedCompanion {
  productId: number;
  jaccard: number | null;
  cosine: number | null;
  llr: number | null;
  embeddingSim: number | null;
  textSim: number | null;
}

export interface ModelVersionInput {
  /** 'model', or the baseline published instead when the model lost the gate. */
  kind: string;
  backend: string | null;
  report: Record<string, unknown>;
  pairs: Iterable<ModelPairRow>;
  bundles: {productIds: number[]; count: number; support: number; lift: number}[];
  communities: {communityId: number; productIds: number[]}[];
  /** The training run to mark 'published' in the same transaction. */
  runId?: number;
}

/**
 * The trainer's writes. `publish` inserts a whole version and flips `model_active` in ONE transaction: the
 * server sees the old model or the new one, never a half-written one, and a crash at any point leaves the old
 * one active. The previous version is kept for rollback; older ones are deleted.
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
  const deletes = ['model_pairs', 'model_bundles', 'model_communities', 'model_versions'].map((t) => db.prepare<[number]>(`DELETE FROM ${t} WHERE version = ?`));

  const publish = db.transaction((input: ModelVersionInput, beforeFlip?: () => void): number => {
    const now = new Date().toISOString();
    const version = Number(insertVersion.run(now, input.kind, input.backend, JSON.stringify(input.report)).lastInsertRowid);
    for (const p of input.pairs) insertPair.run({...p, version});
    input.bundles.forEach((b, i) => insertBundle.run(version, i + 1, JSON.stringify(b.productIds), b.count, b.support, b.lift));
    for (const c of input.communities) for (const p of c.productIds) insertMember.run(version, c.communityId, p);
    markReady.run(version);
    beforeFlip?.();
    const old = current.get();
    flip.run(version, old?.version ?? null, now);
    if (input.runId !== undefined) runPublished.run(now, version, input.runId);
    for (const {version: v} of stale.all(version, old?.version ?? -1)) for (const d of deletes) d.run(v);
    return version;
  });

  const rollback = db.transaction((): number | null => {
    const active = current.get();
    if (!active?.previous_version) return null;
    flip.run(active.previous_version, null, new Date().toISOString());
    return active.previous_version;
  });

  return {
    /** Writes the version and makes it active atomically; `beforeFlip` runs inside the transaction (fault tests). */
    publish: (input: ModelVersionInput, beforeFlip?: () => void): number => publish(input, beforeFlip),
    /** Makes the previous version active again; null when there is none. */
    rollback: (): number | null => rollback(),
  };
}

export const modelWriter = perDb(createModelWriter);

/** train_runs: one row per training, with the live stage and progress the admin page polls. */
function createTrainRunsRepo(db: Db) {
  const start = db.prepare<[string]>(`INSERT INTO train_runs (started_at, status, stage, progress) VALUES (?, 'running', 'starting', 0)`);
  const progress = db.prepare<[string, number, number]>(`UPDATE train_runs SET stage = ?, progress = ? WHERE id = ? AND status = 'running'`);
  const fail = db.prepare<[string, string, number]>(`UPDATE train_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'`);
  const running = db.prepare<[], {id: number; started_at: string}>(`SELECT id, started_at FROM train_runs WHERE status = 'running' ORDER BY id DESC`);
  const get = db.prepare<[number], {id: number; status: string; stage: string | null; progress: number; version: number | null; error: string | null}>(
    'SELECT id, status, stage, progress, version, error FROM train_runs WHERE id = ?',
  );
  return {
    start: (): number => Number(start.run(new Date().toISOString()).lastInsertRowid),
    progress: (id: number, stage: string, fraction: number): void => void progress.run(stage, fraction, id),
    /** Marks a run failed unless it already finished (a run that published stays published). */
    fail: (id: number, error: string): boolean => fail.run(new Date().toISOString(), error, id).changes > 0,
    running: () => running.all(),
    get: (id: number) => get.get(id),
  };
}

export const trainRunsRepo = perDb(createTrainRunsRepo);

import type {Statement} from 'better-sqlite3';
import type {Db} from '../open';
import type {Candidate, CartWeight} from '../../domain/model';

// What the storefront reads of the model tables (migrations/shop/002_model.sql, 007_model_cart.sql): the active
// version, its lists and its cart weights.

const activeStatements = new WeakMap<Db, Statement<[], {version: number}>>();

/** The version the storefront should serve, or null before the first publish. Checked on every proxy request. */
export function activeModelVersion(db: Db): number | null {
  let stmt = activeStatements.get(db);
  if (!stmt) activeStatements.set(db, (stmt = db.prepare('SELECT version FROM model_active WHERE singleton = 1')));
  return stmt.get()?.version ?? null;
}

/** Every product's companion list of a version, best first: what the storefront holds in memory. */
export function loadModelCompanions(db: Db, version: number): Map<number, Candidate[]> {
  const lists = new Map<number, Candidate[]>();
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

/** Every product's cart-model weights of a version (empty for a version published without a cart model). */
export function loadModelCart(db: Db, version: number): Map<number, CartWeight[]> {
  const weights = new Map<number, CartWeight[]>();
  const rows = db
    .prepare<[number], {product_id: number; companion_id: number; weight: number}>('SELECT product_id, companion_id, weight FROM model_cart WHERE version = ?')
    .iterate(version);
  for (const r of rows) {
    let list = weights.get(r.product_id);
    if (!list) weights.set(r.product_id, (list = []));
    list.push({id: r.companion_id, weight: r.weight});
  }
  return weights;
}

import type {Statement} from 'better-sqlite3';
import type {Db} from '../open';
import {perDb} from '../per-db';

// What the storefront reads of the model tables (migrations/shop/002_model.sql, 007_model_cart.sql): the active
// version, its lists and its cart weights, in keyset pages so a big model is read in slices that let the event
// loop turn between them.

export interface CompanionRow {
  productId: number;
  rank: number;
  companionId: number;
  score: number;
  confidence: number;
  lift: number;
}

export interface CartRow {
  productId: number;
  companionId: number;
  weight: number;
}

const activeStatements = new WeakMap<Db, Statement<[], {version: number}>>();

/** The version the storefront should serve, or null before the first publish. */
export function activeModelVersion(db: Db): number | null {
  let stmt = activeStatements.get(db);
  if (!stmt) activeStatements.set(db, (stmt = db.prepare('SELECT version FROM model_active WHERE singleton = 1')));
  return stmt.get()?.version ?? null;
}

// Row values compare against the primary key's columns, so each page is one range scan of the index.
const pages = perDb((db: Db) => ({
  companions: db.prepare<[number, number, number, number], CompanionRow>(
    `SELECT product_id AS productId, rank, companion_id AS companionId, score, confidence, lift FROM model_pairs
     WHERE version = ? AND (product_id, rank) > (?, ?) ORDER BY product_id, rank LIMIT ?`,
  ),
  cart: db.prepare<[number, number, number, number], CartRow>(
    `SELECT product_id AS productId, companion_id AS companionId, weight FROM model_cart
     WHERE version = ? AND (product_id, companion_id) > (?, ?) ORDER BY product_id, companion_id LIMIT ?`,
  ),
}));

/** Up to `limit` rows of a version's companion lists after (product, rank) `after`, best first within a product. */
export function modelCompanionPage(db: Db, version: number, after: readonly [number, number], limit: number): CompanionRow[] {
  return pages(db).companions.all(version, after[0], after[1], limit);
}

/** Up to `limit` cart-model weights of a version after (product, companion) `after` (none for a version without a cart model). */
export function modelCartPage(db: Db, version: number, after: readonly [number, number], limit: number): CartRow[] {
  return pages(db).cart.all(version, after[0], after[1], limit);
}

const changesStatements = new WeakMap<Db, Statement<[], {n: number}>>();

/**
 * The shop file's count of changes to what the storefront shows (migration 014's triggers: products, settings,
 * curation, the active pointer), from any connection: equal counts mean nothing the storefront shows changed.
 */
export function servingChanges(db: Db): number {
  let stmt = changesStatements.get(db);
  if (!stmt) changesStatements.set(db, (stmt = db.prepare('SELECT n FROM serving_changes WHERE singleton = 1')));
  return stmt.get()?.n ?? 0;
}

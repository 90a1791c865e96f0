import type {Statement} from 'better-sqlite3';
import type {Candidate, CartWeight} from '../../domain/model';
import type {Db} from '../open';
import {perDb} from '../per-db';

// What the storefront reads of the model tables (migrations/shop/002_model.sql, 007_model_cart.sql): the active
// version, its lists and its cart weights, in keyset pages so a big model is read in slices that let the event
// loop turn between them.

/**
 * One keyset page of a version's lists, as columns of doubles: the row for entry `i` is `productIds[i]`, `keys[i]`
 * (the rank of a companion list entry, the companion of a cart weight) and `values[c][i]`. Columns, not row
 * objects, so a page read on a read thread (server/reads) is handed to the event loop by transfer, not copied
 * and rebuilt object by object.
 */
export interface ModelPage {
  productIds: Float64Array;
  keys: Float64Array;
  values: Float64Array[];
}

const activeStatements = new WeakMap<Db, Statement<[], {version: number}>>();

/** The version the storefront should serve, or null before the first publish. */
export function activeModelVersion(db: Db): number | null {
  let stmt = activeStatements.get(db);
  if (!stmt) activeStatements.set(db, (stmt = db.prepare('SELECT version FROM model_active WHERE singleton = 1')));
  return stmt.get()?.version ?? null;
}

// Row values compare against the primary key's columns, so each page is one range scan of the index. Raw rows:
// each becomes a column entry, never an object.
const pages = perDb((db: Db) => ({
  companions: db.prepare<[number, number, number, number], number[]>(
    `SELECT product_id, rank, companion_id, score, confidence, lift FROM model_pairs
     WHERE version = ? AND (product_id, rank) > (?, ?) ORDER BY product_id, rank LIMIT ?`,
  ).raw(true),
  cart: db.prepare<[number, number, number, number], number[]>(
    `SELECT product_id, companion_id, companion_id, weight FROM model_cart
     WHERE version = ? AND (product_id, companion_id) > (?, ?) ORDER BY product_id, companion_id LIMIT ?`,
  ).raw(true),
}));

function columns(rows: number[][], width: number): ModelPage {
  const productIds = new Float64Array(rows.length);
  const keys = new Float64Array(rows.length);
  const values = Array.from({length: width}, () => new Float64Array(rows.length));
  rows.forEach((row, i) => {
    productIds[i] = row[0];
    keys[i] = row[1];
    for (let c = 0; c < width; c++) values[c][i] = row[2 + c];
  });
  return {productIds, keys, values};
}

/** Up to `limit` entries of a version's companion lists after (product, rank) `after`, best first within a product: values companion, score, confidence, lift. */
export function modelCompanionPage(db: Db, version: number, after: readonly [number, number], limit: number): ModelPage {
  return columns(pages(db).companions.all(version, after[0], after[1], limit), 4);
}

/** Up to `limit` cart-model weights of a version after (product, companion) `after` (none for a version without a cart model): values companion, weight. */
export function modelCartPage(db: Db, version: number, after: readonly [number, number], limit: number): ModelPage {
  return columns(pages(db).cart.all(version, after[0], after[1], limit), 2);
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

/**
 * One product's lists in a version, read by key (the metafield publisher's steps on a read thread work through a
 * catalogue a few hundred products at a time, without holding the whole model): the products after `after`
 * that have a list or cart weights, and each one's entries in the order the pages give them.
 */
export const modelProducts = perDb((db: Db) => {
  const exists = db.prepare<[number], {version: number}>('SELECT version FROM model_versions WHERE version = ?');
  const listed = db.prepare<[number, number, number], {product_id: number}>(
    'SELECT DISTINCT product_id FROM model_pairs WHERE version = ? AND product_id > ? ORDER BY product_id LIMIT ?',
  );
  const weighted = db.prepare<[number, number, number], {product_id: number}>(
    'SELECT DISTINCT product_id FROM model_cart WHERE version = ? AND product_id > ? ORDER BY product_id LIMIT ?',
  );
  const companions = db.prepare<[number, number], Candidate>(
    'SELECT companion_id AS id, score, confidence, lift FROM model_pairs WHERE version = ? AND product_id = ? ORDER BY rank',
  );
  const cart = db.prepare<[number, number], CartWeight>('SELECT companion_id AS id, weight FROM model_cart WHERE version = ? AND product_id = ? ORDER BY companion_id');
  return {
    /** Whether the version is still in the file (a publish two versions later removes it). */
    exists: (version: number): boolean => exists.get(version) !== undefined,
    /** Up to `limit` products after `after` with a companion list or cart weights in the version, in id order. */
    after: (version: number, after: number, limit: number): number[] => [
      ...listed.all(version, after, limit).map((r) => r.product_id),
      ...weighted.all(version, after, limit).map((r) => r.product_id),
    ],
    companions: (version: number, productId: number): Candidate[] => companions.all(version, productId),
    cart: (version: number, productId: number): CartWeight[] => cart.all(version, productId),
  };
});

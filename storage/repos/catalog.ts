import {perDb} from '../per-db';
import type {Db} from '../open';
import type {CatalogProduct} from '../../domain/catalog';

export type {CatalogProduct};

interface Row {
  product_id: number;
  title: string;
  handle: string;
  status: string;
  available: number;
  price: number | null;
  product_type: string;
  vendor: string;
  tags: string;
  image_url: string | null;
  gift_card: number;
  orders: number;
}

const COLUMNS = `p.product_id, p.title, p.handle, p.status, p.available, p.price, p.product_type, p.vendor, p.tags, p.image_url, p.gift_card,
  coalesce(m.orders, 0) AS orders`;
/** Each product's order count as of the active model (model_product_orders), 0 before the first training. */
const WITH_ORDERS = `products p LEFT JOIN model_active a ON a.singleton = 1
  LEFT JOIN model_product_orders m ON m.version = a.version AND m.product_id = p.product_id`;

function toProduct(r: Row): CatalogProduct {
  return {
    productId: r.product_id,
    title: r.title,
    handle: r.handle,
    status: r.status,
    available: r.available === 1,
    price: r.price,
    productType: r.product_type,
    vendor: r.vendor,
    tags: r.tags.split(',').map((t) => t.trim()).filter(Boolean),
    imageUrl: r.image_url,
    giftCard: r.gift_card === 1,
    orders: r.orders,
  };
}

/** Escapes LIKE wildcards so a merchant searching "50%" finds "50%" and not everything. */
function likePattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The query as one FTS5 phrase: with the trigram tokenizer, the rows that contain it as a substring, any case. */
function phrase(query: string): string {
  return `"${query.replace(/"/g, '""')}"`;
}

/** The trigram index matches a substring of 3+ characters (code points); a shorter one matches nothing there (sqlite.org/fts5.html#the_trigram_tokenizer). */
const INDEXED_QUERY_LENGTH = 3;
/** The search's order: best sellers (as of the active model) first, then by title and id. */
const SEARCH_ORDER = 'ORDER BY coalesce(m.orders, 0) DESC, p.title, p.product_id';

/** Read side of `products` for the admin (the webhook side is products.ts). */
function createCatalogRepo(db: Db) {
  // Indexed: the trigram index's matches, then sorted (SQLite keeps only limit + offset of them while sorting).
  const matching = db.prepare<[string, number, number], Row>(
    `SELECT ${COLUMNS} FROM products_search s JOIN products p ON p.product_id = s.rowid LEFT JOIN model_active a ON a.singleton = 1
       LEFT JOIN model_product_orders m ON m.version = a.version AND m.product_id = p.product_id
     WHERE products_search MATCH ? ${SEARCH_ORDER} LIMIT ? OFFSET ?`,
  );
  const matchCount = db.prepare<[string], {n: number}>('SELECT count(*) AS n FROM products_search WHERE products_search MATCH ?');
  // 1-2 characters: a LIKE over title, handle and vendor (the index holds no substring shorter than 3).
  const likeWhere = `(p.title LIKE @like ESCAPE '\\' OR p.handle LIKE @like ESCAPE '\\' OR p.vendor LIKE @like ESCAPE '\\')`;
  const liking = db.prepare<[{like: string; limit: number; offset: number}], Row>(
    `SELECT ${COLUMNS} FROM ${WITH_ORDERS} WHERE ${likeWhere} ${SEARCH_ORDER} LIMIT @limit OFFSET @offset`,
  );
  // Everything (the empty query) in two index walks with LIMIT, never a sort of the whole catalogue: the
  // products ordered as of the active model, best sellers first (model_product_orders_rank; ties by title,
  // sorted a group at a time), then those nobody ordered, by title (products_title). The second walk passes
  // the ordered products too (a lookup each: ~5 ms per 10k on a quiet machine), only for pages past them.
  const ordered = db.prepare<[number, number], Row>(
    `SELECT ${COLUMNS} FROM model_active a JOIN model_product_orders m ON m.version = a.version JOIN products p ON p.product_id = m.product_id
     WHERE a.singleton = 1 AND m.orders > 0 ORDER BY m.orders DESC, p.title, p.product_id LIMIT ? OFFSET ?`,
  );
  const orderedCount = db.prepare<[], {n: number}>(
    `SELECT count(*) AS n FROM model_active a JOIN model_product_orders m ON m.version = a.version JOIN products p ON p.product_id = m.product_id
     WHERE a.singleton = 1 AND m.orders > 0`,
  );
  const unordered = db.prepare<[number, number], Row>(
    `SELECT ${COLUMNS} FROM ${WITH_ORDERS} WHERE coalesce(m.orders, 0) = 0 ORDER BY p.title, p.product_id LIMIT ? OFFSET ?`,
  );
  const productCount = db.prepare<[], {n: number}>('SELECT count(*) AS n FROM products');
  const likeCount = db.prepare<[{like: string}], {n: number}>(`SELECT count(*) AS n FROM products p WHERE ${likeWhere}`);
  const byId = db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM ${WITH_ORDERS} WHERE p.product_id = ?`);

  return {
    /**
     * The products whose title, handle or vendor contains the query (any case), best sellers first, one page of
     * them, and how many match. A query of 3+ characters is a lookup in the trigram index (migration 016).
     */
    search(query: string, limit: number, offset: number): {items: CatalogProduct[]; total: number} {
      if ([...query].length >= INDEXED_QUERY_LENGTH) {
        const match = phrase(query);
        return {items: matching.all(match, limit, offset).map(toProduct), total: matchCount.get(match)!.n};
      }
      if (query === '') {
        // A page among the best sellers (the admin's first page) is one short index walk; only a page past them
        // counts them and walks the rest.
        const items = ordered.all(limit, offset);
        if (items.length < limit) items.push(...unordered.all(limit - items.length, Math.max(0, offset - orderedCount.get()!.n)));
        return {items: items.map(toProduct), total: productCount.get()!.n};
      }
      const like = likePattern(query);
      return {items: liking.all({like, limit, offset}).map(toProduct), total: likeCount.get({like})!.n};
    },
    get(productId: number): CatalogProduct | undefined {
      const row = byId.get(productId);
      return row && toProduct(row);
    },
    /** The products among these ids that this shop has, by id; ids it lacks are simply absent. */
    getMany(productIds: Iterable<number>): Map<number, CatalogProduct> {
      const found = new Map<number, CatalogProduct>();
      for (const id of new Set(productIds)) {
        const row = byId.get(id);
        if (row) found.set(id, toProduct(row));
      }
      return found;
    },
  };
}

export const catalogRepo = perDb(createCatalogRepo);

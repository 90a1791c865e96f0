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

/** Read side of `products` for the admin (the webhook side is products.ts). */
function createCatalogRepo(db: Db) {
  const search = db.prepare<[string, string, string, number, number], Row>(
    `SELECT ${COLUMNS} FROM ${WITH_ORDERS}
     WHERE p.title LIKE ? ESCAPE '\\' OR p.handle LIKE ? ESCAPE '\\' OR p.vendor LIKE ? ESCAPE '\\'
     ORDER BY orders DESC, p.title, p.product_id LIMIT ? OFFSET ?`,
  );
  const searchCount = db.prepare<[string, string, string], {n: number}>(
    `SELECT count(*) AS n FROM products p
     WHERE p.title LIKE ? ESCAPE '\\' OR p.handle LIKE ? ESCAPE '\\' OR p.vendor LIKE ? ESCAPE '\\'`,
  );
  const byId = db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM ${WITH_ORDERS} WHERE p.product_id = ?`);
  const bestSellers = db.prepare<[number], {product_id: number; orders: number}>(
    `SELECT m.product_id, m.orders FROM model_active a JOIN model_product_orders m ON m.version = a.version
     WHERE a.singleton = 1 ORDER BY m.orders DESC, m.product_id LIMIT ?`,
  );

  const allIds = db.prepare<[], {product_id: number}>('SELECT product_id FROM products ORDER BY product_id');

  return {
    /** Every product id, for a change (block settings) that touches every list. */
    allIds: (): number[] => allIds.all().map((r) => r.product_id),
    /** Products whose title, handle or vendor contains the query, best sellers (as of the active model) first. */
    search(query: string, limit: number, offset: number) {
      const like = likePattern(query);
      return {
        items: search.all(like, like, like, limit, offset).map(toProduct),
        total: searchCount.get(like, like, like)!.n,
      };
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
    /** Most ordered products as of the active model, with their order counts, for "products with no good companions". */
    bestSellers: (limit: number) => bestSellers.all(limit).map((r) => ({productId: r.product_id, orders: r.orders})),
  };
}

export const catalogRepo = perDb(createCatalogRepo);

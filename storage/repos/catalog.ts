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
  // One page of the catalogue in id order, each row saying whether it matches: the admin's search reads the
  // catalogue in pages like this, so a search of a 50k-product shop never holds the event loop in one go.
  const scanPage = db.prepare<[string, string, string, number, number], {productId: number; title: string; orders: number; hit: number}>(
    `SELECT p.product_id AS productId, p.title, coalesce(m.orders, 0) AS orders,
       (p.title LIKE ? ESCAPE '\\' OR p.handle LIKE ? ESCAPE '\\' OR p.vendor LIKE ? ESCAPE '\\') AS hit
     FROM ${WITH_ORDERS} WHERE p.product_id > ? ORDER BY p.product_id LIMIT ?`,
  );
  const byId = db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM ${WITH_ORDERS} WHERE p.product_id = ?`);

  const allIds = db.prepare<[], {product_id: number}>('SELECT product_id FROM products ORDER BY product_id');

  return {
    /** Every product id, for a change (block settings) that touches every list. */
    allIds: (): number[] => allIds.all().map((r) => r.product_id),
    /**
     * Up to `limit` products after id `after`, in id order, each with whether its title, handle or vendor
     * contains the query (LIKE wildcards in it escaped).
     */
    scanPage(query: string, after: number, limit: number) {
      const like = likePattern(query);
      return scanPage.all(like, like, like, after, limit).map((r) => ({productId: r.productId, title: r.title, orders: r.orders, hit: r.hit === 1}));
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

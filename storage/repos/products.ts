import {perDb} from '../per-db';
import type {Db} from '../open';
import type {UpsertOutcome} from './orders';
import {tombstonesRepo} from './tombstones';

export interface ProductRecord {
  productId: number;
  title: string;
  handle: string;
  status: 'active' | 'draft' | 'archived' | 'unlisted';
  available: boolean;
  price: number | null;
  productType: string;
  vendor: string;
  tags: string;
  description: string;
  imageUrl: string | null;
  /** null when the source does not say (product webhooks carry no gift-card flag): the stored value stays. */
  giftCard: boolean | null;
  createdAt: string | null;
  updatedAt: string;
}

interface ProductRow {
  product_id: number;
  title: string;
  handle: string;
  status: ProductRecord['status'];
  available: number;
  price: number | null;
  product_type: string;
  vendor: string;
  tags: string;
  description: string;
  image_url: string | null;
  gift_card: number;
  created_at: string | null;
  updated_at: string;
}

const toRecord = (r: ProductRow): ProductRecord => ({
  productId: r.product_id,
  title: r.title,
  handle: r.handle,
  status: r.status,
  available: r.available === 1,
  price: r.price,
  productType: r.product_type,
  vendor: r.vendor,
  tags: r.tags,
  description: r.description,
  imageUrl: r.image_url,
  giftCard: r.gift_card === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** products of one shop's file, as webhooks and the bulk backfill deliver them. */
function createProductsRepo(db: Db) {
  const tombstones = tombstonesRepo(db);
  const storedUpdatedAt = db.prepare<[number], {updated_at: string}>('SELECT updated_at FROM products WHERE product_id = ?');
  const upsert = db.prepare(
    `INSERT OR REPLACE INTO products (product_id, title, handle, status, available, price, product_type, vendor, tags,
       description, image_url, gift_card, created_at, updated_at)
     VALUES (@productId, @title, @handle, @status, @available, @price, @productType, @vendor, @tags,
       @description, @imageUrl,
       coalesce(@giftCard, (SELECT gift_card FROM products WHERE product_id = @productId), 0), @createdAt, @updatedAt)`,
  );
  const remove = db.prepare('DELETE FROM products WHERE product_id = ?');
  const setAvailable = db.prepare<[number, number]>('UPDATE products SET available = ? WHERE product_id = ?');
  const get = db.prepare<[number], ProductRow>('SELECT * FROM products WHERE product_id = ?');
  const count = db.prepare<[], {products: number; active: number}>(
    `SELECT count(*) AS products, count(*) FILTER (WHERE status = 'active' AND available = 1) AS active FROM products`,
  );
  return {
    /** Same rule as orders: an update older than what is stored never overwrites it. */
    upsert(product: ProductRecord): UpsertOutcome {
      if (tombstones.has('product', product.productId)) return 'stale';
      const stored = storedUpdatedAt.get(product.productId);
      if (stored && Date.parse(stored.updated_at) > Date.parse(product.updatedAt)) return 'stale';
      upsert.run({...product, available: product.available ? 1 : 0, giftCard: product.giftCard === null ? null : product.giftCard ? 1 : 0});
      return 'applied';
    },
    /** Sets whether the product can be bought (decided from its variants' stock: webhooks/inventory.ts). */
    setAvailable: (productId: number, available: boolean): void => void setAvailable.run(available ? 1 : 0, productId),
    /** Deletes the product and remembers it was deleted. Call inside a transaction. */
    remove(productId: number): boolean {
      tombstones.add('product', productId);
      return remove.run(productId).changes > 0;
    },
    get(productId: number): ProductRecord | undefined {
      const r = get.get(productId);
      return r && toRecord(r);
    },
    counts: () => count.get()!,
  };
}

export const productsRepo = perDb(createProductsRepo);

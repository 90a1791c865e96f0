import type {Db} from '../open';
import type {UpsertOutcome} from './orders';

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
  giftCard: boolean;
  createdAt: string | null;
  updatedAt: string;
}

/** products of one shop's file, as webhooks and the bulk backfill deliver them. */
export function productsRepo(db: Db) {
  const storedUpdatedAt = db.prepare<[number], {updated_at: string}>('SELECT updated_at FROM products WHERE product_id = ?');
  const upsert = db.prepare(
    `INSERT OR REPLACE INTO products (product_id, title, handle, status, available, price, product_type, vendor, tags,
       description, image_url, gift_card, created_at, updated_at)
     VALUES (@productId, @title, @handle, @status, @available, @price, @productType, @vendor, @tags,
       @description, @imageUrl, @giftCard, @createdAt, @updatedAt)`,
  );
  const remove = db.prepare('DELETE FROM products WHERE product_id = ?');
  const count = db.prepare<[], {products: number; active: number}>(
    `SELECT count(*) AS products, count(*) FILTER (WHERE status = 'active' AND available = 1) AS active FROM products`,
  );
  return {
    /** Same rule as orders: an update older than what is stored never overwrites it. */
    upsert(product: ProductRecord): UpsertOutcome {
      const stored = storedUpdatedAt.get(product.productId);
      if (stored && Date.parse(stored.updated_at) > Date.parse(product.updatedAt)) return 'stale';
      upsert.run({...product, available: product.available ? 1 : 0, giftCard: product.giftCard ? 1 : 0});
      return 'applied';
    },
    remove: (productId: number): boolean => remove.run(productId).changes > 0,
    counts: () => count.get()!,
  };
}

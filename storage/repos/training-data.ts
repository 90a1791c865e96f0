import {perDb} from '../per-db';
import {exactIdColumn, idFrom} from '../exact-id';
import type {ShopifyId} from '../../domain/shopify-id';
import type {Db} from '../open';

/** One product line of a non-cancelled order, as the trainer reads it. */
export interface TrainingLine {
  /** Exact: two orders past 2^53 that one JS number would hold stay two baskets. */
  orderId: ShopifyId;
  createdAt: string;
  productId: number;
}

export interface ProductTextRow {
  productId: number;
  title: string;
  productType: string;
  vendor: string;
  tags: string;
  description: string;
  price: number | null;
  available: boolean;
}

/**
 * Read-only views of a shop's file for the trainer. Lines stream in created_at order without materialising the
 * table; cancelled and test orders, lines without a product (custom items, deleted products), lines nothing
 * remains of after edits and refunds or returns (quantity <= 0)
 * and gift cards are left out here, once, rather than in every caller.
 */
function createTrainingDataRepo(db: Db) {
  const lines = db.prepare<[], {order_id: number | string; created_at: string; product_id: number}>(
    `SELECT ${exactIdColumn('o.order_id')} AS order_id, o.created_at, l.product_id
     FROM orders o JOIN order_lines l ON l.order_id = o.order_id
     LEFT JOIN products p ON p.product_id = l.product_id
     WHERE o.cancelled_at IS NULL AND o.test = 0 AND l.product_id IS NOT NULL AND l.quantity > 0 AND coalesce(p.gift_card, 0) = 0
     ORDER BY o.created_at, o.order_id, l.line_id`,
  );
  const products = db.prepare<[], {product_id: number; title: string; product_type: string; vendor: string; tags: string; description: string; price: number | null; available: number}>(
    `SELECT product_id, title, product_type, vendor, tags, description, price, available FROM products WHERE gift_card = 0 ORDER BY product_id`,
  );
  return {
    *orderLines(): Generator<TrainingLine> {
      for (const r of lines.iterate()) yield {orderId: idFrom(r.order_id), createdAt: r.created_at, productId: r.product_id};
    },
    *productTexts(): Generator<ProductTextRow> {
      for (const r of products.iterate()) {
        yield {productId: r.product_id, title: r.title, productType: r.product_type, vendor: r.vendor, tags: r.tags, description: r.description, price: r.price, available: r.available === 1};
      }
    },
  };
}

export const trainingDataRepo = perDb(createTrainingDataRepo);

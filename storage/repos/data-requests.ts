import {perDb} from '../per-db';
import {exactIdColumn, idFrom} from '../exact-id';
import type {ShopifyId} from '../../domain/shopify-id';
import type {Db} from '../open';
import type {CustomerDataExport, DataRequestOrder, DataRequestProduct, DataRequestSummary} from '../../domain/data-requests';

/** The most orders one export holds, so a request stays bounded; the rest are counted in `ordersOmitted`. */
export const EXPORT_ORDER_LIMIT = 5000;

export interface NewDataRequest {
  shopifyRequestId: number | null;
  customerHash: string;
  ordersRequested: ShopifyId[];
}

interface RequestRow {
  id: number;
  shopify_request_id: number | null;
  customer_hash: string;
  orders_requested: string;
  received_at: string;
  orders: number;
}

/** The customer's orders: those linked by the salted hash, and those Shopify listed in `orders_requested`. */
const CUSTOMER_ORDERS = `SELECT order_id FROM orders WHERE customer_hash = @hash
  UNION SELECT value FROM json_each(@requested) WHERE type = 'integer'`;

const toSummary = (r: RequestRow): DataRequestSummary => ({id: r.id, shopifyRequestId: r.shopify_request_id, receivedAt: r.received_at, orders: r.orders});

/** Where the export says what Pairwise keeps, and what it never does. */
const NOTES = [
  'Pairwise keeps, for each order, its number, times, currency, total and lines (product, variant, quantity, price, and whether a Pairwise block added the line), to learn which products are bought together.',
  'The customer is linked to orders only by a salted hash of the Shopify customer id. No name, email address, phone number or address is stored.',
  'Storefront events (block shown, clicked, added to cart) are stored without any customer, session or device identifier, so none can be linked to this customer.',
];

/** data_requests of one shop's file, and the assembly of what the shop holds about a request's customer. */
function createDataRequestsRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO data_requests (shopify_request_id, customer_hash, orders_requested, received_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (shopify_request_id) WHERE shopify_request_id IS NOT NULL DO NOTHING`,
  );
  const withCount = `SELECT r.*, (SELECT count(*) FROM (${CUSTOMER_ORDERS.replaceAll('@hash', 'r.customer_hash').replaceAll('@requested', 'r.orders_requested')}) c
    JOIN orders o ON o.order_id = c.order_id) AS orders FROM data_requests r`;
  const list = db.prepare<[number, number], RequestRow>(`${withCount} ORDER BY r.id DESC LIMIT ? OFFSET ?`);
  const total = db.prepare<[], {n: number}>('SELECT count(*) AS n FROM data_requests');
  const get = db.prepare<[number], RequestRow>(`${withCount} WHERE r.id = ?`);
  const orders = db.prepare<{hash: string; requested: string; limit: number}, {order_id: number | string; name: string | null; created_at: string; cancelled_at: string | null; currency: string | null; total_price: number | null}>(
    `SELECT ${exactIdColumn('o.order_id')} AS order_id, o.name, o.created_at, o.cancelled_at, o.currency, o.total_price
     FROM (${CUSTOMER_ORDERS}) c JOIN orders o ON o.order_id = c.order_id ORDER BY o.created_at, o.order_id LIMIT @limit`,
  );
  const lines = db.prepare<[ShopifyId], {line_id: number | string; product_id: number | null; variant_id: number | null; quantity: number; price: number | null; pairwise_block: string | null}>(
    `SELECT ${exactIdColumn('line_id')} AS line_id, product_id, variant_id, quantity, price, pairwise_block FROM order_lines WHERE order_id = ? ORDER BY order_lines.line_id`,
  );
  const product = db.prepare<[number], {product_id: number; title: string; handle: string}>('SELECT product_id, title, handle FROM products WHERE product_id = ?');
  // The stored list, read by SQLite's JSON (exact to 2^63 - 1) rather than JSON.parse (which rounds past 2^53).
  const requested = db.prepare<[string], {id: number | string}>(`SELECT ${exactIdColumn('value')} AS id FROM json_each(?) ORDER BY key`);
  const removeForCustomer = db.prepare('DELETE FROM data_requests WHERE customer_hash = ?');

  return {
    /** Records a customers/data_request; a second delivery of the same Shopify request is kept once. */
    record(request: NewDataRequest): void {
      // Written by hand: JSON.stringify has no BigInt, and an id's digits are its JSON number.
      insert.run(request.shopifyRequestId, request.customerHash, `[${request.ordersRequested.join(',')}]`, new Date().toISOString());
    },
    list(limit: number, offset: number): {items: DataRequestSummary[]; total: number} {
      return {items: list.all(limit, offset).map(toSummary), total: total.get()!.n};
    },
    /** What the shop holds now about the customer of request `id`, or null when there is no such request. Run in a read transaction. */
    customerData(id: number): CustomerDataExport | null {
      const row = get.get(id);
      if (!row) return null;
      const found = orders.all({hash: row.customer_hash, requested: row.orders_requested, limit: EXPORT_ORDER_LIMIT});
      const productIds = new Set<number>();
      // exactIdColumn reads an id past 2^53 as its digits: already the export's form (ExportedId).
      const held: DataRequestOrder[] = found.map((o) => ({
        orderId: o.order_id,
        name: o.name,
        createdAt: o.created_at,
        cancelledAt: o.cancelled_at,
        currency: o.currency,
        totalPrice: o.total_price,
        lines: lines.all(idFrom(o.order_id)).map((l) => {
          if (l.product_id !== null) productIds.add(l.product_id);
          return {lineId: l.line_id, productId: l.product_id, variantId: l.variant_id, quantity: l.quantity, price: l.price, pairwiseBlock: l.pairwise_block};
        }),
      }));
      const products = [...productIds].sort((a, b) => a - b).flatMap((pid): DataRequestProduct[] => {
        const p = product.get(pid);
        return p ? [{productId: p.product_id, title: p.title, handle: p.handle}] : [];
      });
      return {
        request: {...toSummary(row), ordersRequested: requested.all(row.orders_requested).map((r) => r.id)},
        notes: NOTES,
        orders: held,
        ordersOmitted: row.orders - held.length,
        products,
      };
    },
    /** customers/redact: the customer's requests go with their link to orders. */
    removeForCustomer: (customerHash: string): number => removeForCustomer.run(customerHash).changes,
  };
}

export const dataRequestsRepo = perDb(createDataRequestsRepo);

/**
 * customers/data_request as the merchant sees it in the admin: the requests Shopify sent, and for each what
 * Pairwise holds about that customer, ready to hand over (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance).
 */

/** An order or line id in the export: a JSON number, or its digits as a string past 2^53 - 1 (a JSON number would round). */
export type ExportedId = number | string;

export interface DataRequestSummary {
  id: number;
  /** Shopify's `data_request.id`, which the merchant can match with the request in their admin. */
  shopifyRequestId: number | null;
  receivedAt: string;
  /** Orders Pairwise holds for that customer now. */
  orders: number;
}

export interface DataRequestOrderLine {
  lineId: ExportedId;
  productId: number | null;
  variantId: number | null;
  quantity: number;
  price: number | null;
  /** Which Pairwise block added the line to the cart, if one did. */
  pairwiseBlock: string | null;
}

export interface DataRequestOrder {
  orderId: ExportedId;
  name: string | null;
  createdAt: string;
  cancelledAt: string | null;
  currency: string | null;
  totalPrice: number | null;
  lines: DataRequestOrderLine[];
}

export interface DataRequestProduct {
  productId: number;
  title: string;
  handle: string;
}

/** What Pairwise holds about the customer of one request: the download the merchant hands over. */
export interface CustomerDataExport {
  request: DataRequestSummary & {ordersRequested: ExportedId[]};
  /** What kinds of data these are, and what Pairwise never stores, in words for the customer. */
  notes: string[];
  orders: DataRequestOrder[];
  /** Set when the customer has more orders than one export holds (EXPORT_ORDER_LIMIT). */
  ordersOmitted: number;
  products: DataRequestProduct[];
}

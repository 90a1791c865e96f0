// Bulk queries for the backfill. Shapes: https://shopify.dev/docs/api/usage/bulk-operations/queries
// (nested connections come back as separate JSONL lines carrying `__parentId`; since API 2026-01 not
// necessarily after their parent, see bulk.ts).
//
// Protected customer data: the orders query reads no customer name, email, address or phone. `customer { id }`
// is only turned into a salted hash (records.ts) before anything is stored; `name` is the order's ("#1001");
// `customAttributes` are read for the `_pairwise` property alone, the others are dropped unread.

export const ORDERS_BULK_QUERY = `{
  orders(sortKey: CREATED_AT) {
    edges { node {
      id name createdAt updatedAt cancelledAt currencyCode test
      totalPriceSet { shopMoney { amount } }
      currentTotalPriceSet { shopMoney { amount } }
      customer { id }
      lineItems { edges { node {
        id quantity currentQuantity
        product { id }
        variant { id }
        originalUnitPriceSet { shopMoney { amount } }
        customAttributes { key value }
        discountAllocations {
          allocatedAmountSet { shopMoney { amount } }
          discountApplication { __typename ... on AutomaticDiscountApplication { title } }
        }
      } } }
    } }
  }
}`;

// Each variant with what decides whether it can be bought, the same facts the webhooks store (products/update:
// inventory_item_id, inventory_quantity, inventory_policy; inventory_items/update: tracked, updated_at), so the
// product_variants and inventory_items rows, and availability from them, are the same after either path:
// https://shopify.dev/docs/api/admin-graphql/2026-10/objects/ProductVariant (inventoryPolicy, inventoryQuantity,
// inventoryItem), https://shopify.dev/docs/api/admin-graphql/2026-10/objects/InventoryItem (tracked, updatedAt;
// readable with read_products). `inventoryItem` is an object, not a connection: it stays inside its variant's line.
export const PRODUCTS_BULK_QUERY = `{
  products {
    edges { node {
      id title handle status productType vendor tags description isGiftCard createdAt updatedAt
      featuredMedia { preview { image { url } } }
      variants { edges { node {
        id price inventoryPolicy inventoryQuantity
        inventoryItem { id tracked updatedAt }
      } } }
    } }
  }
}`;

// groupObjects: false, the default since 2026-01 and the faster output for Shopify to write
// (https://shopify.dev/changelog/bulk-operations-group-objects-default-changed-to-false): the backfill attaches
// children by `__parentId` wherever they are. `userErrors.code` tells a full queue (LIMIT_REACHED) from a bad query.
export const RUN_BULK_QUERY = `mutation RunBulkQuery($query: String!, $groupObjects: Boolean = false) {
  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`;

export const BULK_OPERATION_STATUS = `query BulkOperationStatus($id: ID!) {
  node(id: $id) {
    ... on BulkOperation { id status errorCode objectCount url partialDataUrl }
  }
}`;

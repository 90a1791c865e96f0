// Bulk queries for the backfill. Shapes: https://shopify.dev/docs/api/usage/bulk-operations/queries
// (nested connections come back as separate JSONL lines carrying `__parentId`).

export const ORDERS_BULK_QUERY = `{
  orders(sortKey: CREATED_AT) {
    edges { node {
      id name createdAt updatedAt cancelledAt currencyCode
      totalPriceSet { shopMoney { amount } }
      customer { id }
      lineItems { edges { node {
        id quantity
        product { id }
        variant { id }
        originalUnitPriceSet { shopMoney { amount } }
        customAttributes { key value }
      } } }
    } }
  }
}`;

export const PRODUCTS_BULK_QUERY = `{
  products {
    edges { node {
      id title handle status productType vendor tags description isGiftCard createdAt updatedAt
      featuredMedia { preview { image { url } } }
      variants { edges { node { id price availableForSale } } }
    } }
  }
}`;

export const RUN_BULK_QUERY = `mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}`;

export const BULK_OPERATION_STATUS = `query BulkOperationStatus($id: ID!) {
  node(id: $id) {
    ... on BulkOperation { id status errorCode objectCount url partialDataUrl }
  }
}`;

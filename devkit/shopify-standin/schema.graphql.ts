/**
 * The slice of the GraphQL Admin API schema that Pairwise calls, with Shopify's type and field names
 * (https://shopify.dev/docs/api/admin-graphql: QueryRoot, Mutation, Product, ProductVariant, Order, LineItem,
 * Metafield, BulkOperation, MetafieldsSetInput, ...). A query for anything else fails validation with the same
 * "Field 'x' doesn't exist" kind of error Shopify gives, instead of silently returning nothing.
 */
export const ADMIN_SDL = /* GraphQL */ `
scalar DateTime
scalar Decimal
scalar Money
scalar URL
scalar HTML
scalar JSON
scalar UnsignedInt64

enum CurrencyCode { USD EUR GBP CAD AUD JPY }
enum ProductStatus { ACTIVE ARCHIVED DRAFT UNLISTED }
enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
enum BulkOperationType { MUTATION QUERY }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
enum BulkOperationUserErrorCode { INVALID LIMIT_REACHED OPERATION_IN_PROGRESS }
enum MediaContentType { EXTERNAL_VIDEO IMAGE MODEL_3D VIDEO }
enum OrderSortKeys { CREATED_AT ID PROCESSED_AT UPDATED_AT }
enum ProductSortKeys { CREATED_AT ID TITLE UPDATED_AT }
enum ProductVariantInventoryPolicy { CONTINUE DENY }

interface Node { id: ID! }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
type Image { id: ID url: URL! altText: String width: Int height: Int }
type MediaPreviewImage { image: Image status: String! }
interface Media { id: ID! alt: String mediaContentType: MediaContentType! preview: MediaPreviewImage }
type MediaImage implements Media & Node { id: ID! alt: String mediaContentType: MediaContentType! preview: MediaPreviewImage image: Image }
type ProductPriceRangeV2 { minVariantPrice: MoneyV2! maxVariantPrice: MoneyV2! }
type Attribute { key: String! value: String }

type Shop implements Node {
  id: ID!
  name: String!
  myshopifyDomain: String!
  currencyCode: CurrencyCode!
  ianaTimezone: String!
  url: URL!
}

type Metafield implements Node {
  id: ID!
  namespace: String!
  key: String!
  value: String!
  jsonValue: JSON!
  type: String!
  compareDigest: String!
  createdAt: DateTime!
  updatedAt: DateTime!
}
type MetafieldEdge { cursor: String! node: Metafield! }
type MetafieldConnection { edges: [MetafieldEdge!]! nodes: [Metafield!]! pageInfo: PageInfo! }

type Product implements Node {
  id: ID!
  title: String!
  handle: String!
  status: ProductStatus!
  totalInventory: Int!
  tracksInventory: Boolean!
  isGiftCard: Boolean!
  productType: String!
  vendor: String!
  tags: [String!]!
  description(truncateAt: Int): String!
  descriptionHtml: HTML!
  featuredImage: Image
  featuredMedia: Media
  onlineStoreUrl: URL
  priceRangeV2: ProductPriceRangeV2!
  createdAt: DateTime!
  updatedAt: DateTime!
  publishedAt: DateTime
  variants(first: Int, after: String, last: Int, before: String): ProductVariantConnection!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!]): MetafieldConnection!
}
type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }

type ProductVariant implements Node {
  id: ID!
  title: String!
  sku: String
  price: Money!
  availableForSale: Boolean!
  inventoryQuantity: Int
  inventoryPolicy: ProductVariantInventoryPolicy!
  inventoryItem: InventoryItem!
  product: Product!
  createdAt: DateTime!
  updatedAt: DateTime!
}
type InventoryItem implements Node {
  id: ID!
  sku: String
  tracked: Boolean!
  requiresShipping: Boolean!
  createdAt: DateTime!
  updatedAt: DateTime!
}
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }

type Customer implements Node { id: ID! }

type LineItem implements Node {
  id: ID!
  name: String!
  title: String!
  sku: String
  quantity: Int!
  currentQuantity: Int!
  product: Product
  variant: ProductVariant
  originalUnitPriceSet: MoneyBag!
  discountedUnitPriceSet: MoneyBag!
  customAttributes: [Attribute!]!
  discountAllocations: [DiscountAllocation!]!
}
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

# Discounts on an order's lines ([N]): https://shopify.dev/docs/api/admin-graphql/latest/objects/DiscountAllocation,
# .../interfaces/DiscountApplication, .../objects/AutomaticDiscountApplication. The stand-in's orders carry only
# automatic discounts (the app's Discount Function), so AutomaticDiscountApplication is the one implementation here.
enum DiscountApplicationAllocationMethod { ACROSS EACH ONE }
enum DiscountApplicationTargetSelection { ALL ENTITLED EXPLICIT }
enum DiscountApplicationTargetType { LINE_ITEM SHIPPING_LINE }
type PricingPercentageValue { percentage: Float! }
union PricingValue = MoneyV2 | PricingPercentageValue
interface DiscountApplication {
  allocationMethod: DiscountApplicationAllocationMethod!
  index: Int!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  value: PricingValue!
}
type AutomaticDiscountApplication implements DiscountApplication {
  allocationMethod: DiscountApplicationAllocationMethod!
  index: Int!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  title: String!
  value: PricingValue!
}
type DiscountAllocation { allocatedAmountSet: MoneyBag! discountApplication: DiscountApplication! }

type Order implements Node {
  id: ID!
  name: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  processedAt: DateTime!
  cancelledAt: DateTime
  test: Boolean!
  currencyCode: CurrencyCode!
  totalPriceSet: MoneyBag!
  currentTotalPriceSet: MoneyBag!
  subtotalPriceSet: MoneyBag
  customer: Customer
  lineItems(first: Int, after: String, last: Int, before: String): LineItemConnection!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

type BulkOperation implements Node {
  id: ID!
  status: BulkOperationStatus!
  type: BulkOperationType!
  errorCode: BulkOperationErrorCode
  createdAt: DateTime!
  completedAt: DateTime
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
  query: String!
}

type UserError { field: [String!] message: String! }
type BulkOperationUserError { field: [String!] message: String! code: BulkOperationUserErrorCode }
type MetafieldsSetUserError { field: [String!] message: String! code: String elementIndex: Int }
type MetafieldIdentifier { ownerId: ID! namespace: String! key: String! }

type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }
type BulkOperationCancelPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }
type MetafieldsSetPayload { metafields: [Metafield!] userErrors: [MetafieldsSetUserError!]! }
type MetafieldsDeletePayload { deletedMetafields: [MetafieldIdentifier] userErrors: [UserError!]! }

input MetafieldsSetInput { ownerId: ID! namespace: String key: String! value: String! type: String compareDigest: String }
input MetafieldIdentifierInput { ownerId: ID! namespace: String! key: String! }

type QueryRoot {
  shop: Shop!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  product(id: ID!): Product
  products(first: Int, after: String, last: Int, before: String, reverse: Boolean, sortKey: ProductSortKeys, query: String): ProductConnection!
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean, sortKey: OrderSortKeys, query: String): OrderConnection!
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  currentAppInstallation: AppInstallation!
}

type AppInstallation { id: ID! }

type Mutation {
  bulkOperationRunQuery(query: String!, groupObjects: Boolean! = false): BulkOperationRunQueryPayload
  bulkOperationCancel(id: ID!): BulkOperationCancelPayload
  metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
  metafieldsDelete(metafields: [MetafieldIdentifierInput!]!): MetafieldsDeletePayload
}

schema { query: QueryRoot mutation: Mutation }
`;

/**
 * Resolvers for the stand-in's Admin API schema over a shop's in-memory data. Shapes follow
 * https://shopify.dev/docs/api/admin-graphql (gid ids, money as MoneyV2/MoneyBag, connections with edges/nodes/
 * pageInfo, `first` or `last` required outside bulk queries, app-reserved `$app:` metafield namespaces).
 */
import {GraphQLError, buildSchema} from 'graphql';
import type {GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema} from 'graphql';
import {isTracked} from '../store-generator';
import type {StoreOrder, StoreOrderLine, StoreProduct} from '../store-generator';
import {inventoryItemId} from '../webhooks';
import {ADMIN_SDL} from './schema.graphql';
import {newId} from './state';
import type {AccessToken, BulkOperationRecord, MetafieldRecord, ShopState} from './state';

export interface RequestContext {
  shop: ShopState;
  token: AccessToken;
  appId: number;
  /** Where images and bulk results are served from. */
  origin: string;
  /** Set while a bulk operation runs the query over one slice of the root connection. */
  bulk?: {start: number; end: number};
  runBulkQuery(query: string, groupObjects: boolean): {bulkOperation: BulkOperationRecord | null; userErrors: {field: string[]; message: string; code: string}[]};
  cancelBulk(id: number): BulkOperationRecord | undefined;
}

type Resolver = GraphQLFieldResolver<unknown, RequestContext, Record<string, unknown>>;

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

/** Parses `gid://shopify/<Type>/<id>`; anything else is not an id Shopify would accept. */
export function parseGid(value: unknown): {type: string; id: number} | undefined {
  const match = typeof value === 'string' ? /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(value) : null;
  return match ? {type: match[1], id: Number(match[2])} : undefined;
}

/** `$app:pairwise` -> `app--<app id>--pairwise`; `$app` -> `app--<app id>`. */
export function resolveNamespace(namespace: string | undefined | null, appId: number): string {
  if (!namespace || namespace === '$app') return `app--${appId}`;
  if (namespace.startsWith('$app:')) return `app--${appId}--${namespace.slice(5)}`;
  return namespace;
}

const MAX_PAGE = 250;
const METAFIELDS_SET_MAX = 25;
const METAFIELD_TYPES = new Set([
  'boolean', 'date', 'date_time', 'json', 'multi_line_text_field', 'number_decimal', 'number_integer',
  'product_reference', 'single_line_text_field', 'url', 'variant_reference', 'list.product_reference',
  'list.single_line_text_field', 'list.number_integer', 'list.variant_reference',
]);

export function requireScope(ctx: RequestContext, scope: string, field: string): void {
  const granted = ctx.token.scope.split(',');
  const implied = scope.startsWith('read_') && granted.includes(`write_${scope.slice(5)}`);
  if (!granted.includes(scope) && !implied) {
    throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
      extensions: {code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess: `\`${scope}\` access scope.`},
    });
  }
}

/** Slices items the way a connection's first/after/last/before do; bulk queries take everything. */
function connection<T, N>(items: T[], args: Record<string, unknown>, ctx: RequestContext, toNode: (item: T) => N, nested = false) {
  let start = 0;
  let end = items.length;
  if (ctx.bulk && !nested) {
    start = ctx.bulk.start;
    end = Math.min(items.length, ctx.bulk.end);
  } else if (!ctx.bulk) {
    const first = args.first as number | null | undefined;
    const last = args.last as number | null | undefined;
    if (first == null && last == null) throw new GraphQLError('you must provide one of first or last');
    for (const n of [first, last]) {
      if (n != null && (n < 0 || n > MAX_PAGE)) {
        throw new GraphQLError(`The connection page size must be between 0 and ${MAX_PAGE}.`, {extensions: {code: 'BAD_REQUEST'}});
      }
    }
    if (typeof args.after === 'string') start = decodeCursor(args.after) + 1;
    if (typeof args.before === 'string') end = decodeCursor(args.before);
    if (first != null) end = Math.min(end, start + first);
    if (last != null) start = Math.max(start, end - last);
  }
  const edges = items.slice(start, end).map((item, i) => ({cursor: encodeCursor(start + i), node: toNode(item)}));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const encodeCursor = (index: number) => Buffer.from(JSON.stringify({last_index: index})).toString('base64');
function decodeCursor(cursor: string): number {
  try {
    const index = (JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as {last_index?: unknown}).last_index;
    if (typeof index === 'number') return index;
  } catch {
    // fall through to the error Shopify gives for a cursor it did not issue
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, {extensions: {code: 'BAD_REQUEST'}});
}

const money = (amount: string, currencyCode: string) => ({amount, currencyCode});
const moneyBag = (amount: string, currencyCode: string) => ({shopMoney: money(amount, currencyCode), presentmentMoney: money(amount, currencyCode)});

function imageOf(p: StoreProduct, ctx: RequestContext) {
  return p.hasImage ? {id: gid('ProductImage', p.id), url: `${ctx.origin}/cdn/products/${p.handle}.svg`, altText: p.title, width: 600, height: 600} : null;
}

function productNode(p: StoreProduct) {
  return {__typename: 'Product', ...p};
}

function variantNode(p: StoreProduct) {
  return {__typename: 'ProductVariant', product: p};
}

function metafieldNode(m: MetafieldRecord) {
  return {__typename: 'Metafield', ...m};
}

function orderNode(o: StoreOrder) {
  return {__typename: 'Order', ...o};
}

function lineNode(line: StoreOrderLine, order: StoreOrder) {
  return {__typename: 'LineItem', line, order};
}

function bulkNode(op: BulkOperationRecord) {
  return {__typename: 'BulkOperation', ...op};
}

/** Any object the API can hand back by gid, for `node` and `nodes`. */
function lookup(ctx: RequestContext, id: unknown): Record<string, unknown> | null {
  const ref = parseGid(id);
  if (!ref) throw new GraphQLError(`Invalid global id '${String(id)}'`, {extensions: {code: 'argumentLiteralsIncompatible'}});
  const shop = ctx.shop;
  switch (ref.type) {
    case 'Product': {
      requireScope(ctx, 'read_products', 'product');
      const p = shop.products.get(ref.id);
      return p ? productNode(p) : null;
    }
    case 'ProductVariant': {
      requireScope(ctx, 'read_products', 'productVariant');
      const p = [...shop.products.values()].find((x) => x.variantId === ref.id);
      return p ? variantNode(p) : null;
    }
    case 'Order': {
      requireScope(ctx, 'read_orders', 'order');
      const o = shop.orders.find((x) => x.id === ref.id);
      return o ? orderNode(o) : null;
    }
    case 'BulkOperation': {
      const op = shop.bulkOperations.get(ref.id);
      return op ? bulkNode(op) : null;
    }
    case 'Metafield': {
      const m = [...shop.metafields.values()].find((x) => x.id === ref.id);
      return m ? metafieldNode(m) : null;
    }
    case 'Shop':
      return ref.id === shop.id ? shopNode(ctx) : null;
    default:
      return null;
  }
}

function shopNode(ctx: RequestContext) {
  const s = ctx.shop;
  return {
    __typename: 'Shop', id: gid('Shop', s.id), name: s.name, myshopifyDomain: s.domain, currencyCode: s.currency,
    ianaTimezone: 'Etc/UTC', url: `https://${s.domain}`,
  };
}

type MetafieldsSetInput = {ownerId: string; namespace?: string | null; key: string; value: string; type?: string | null};

/** metafieldsSet: all or nothing, as Shopify documents it; at most 25 inputs per call. */
function metafieldsSet(ctx: RequestContext, inputs: MetafieldsSetInput[]) {
  // App-data metafields (owner: the app's own installation) need no access scope; a product's need write_products.
  if (!inputs.length || inputs.some((i) => parseGid(i.ownerId)?.type !== 'AppInstallation')) requireScope(ctx, 'write_products', 'metafieldsSet');
  if (inputs.length > METAFIELDS_SET_MAX) {
    throw new GraphQLError(`The input array size of ${inputs.length} is greater than the maximum allowed of ${METAFIELDS_SET_MAX}.`, {
      extensions: {code: 'MAX_INPUT_SIZE_EXCEEDED'},
    });
  }
  const shop = ctx.shop;
  const userErrors: {field: string[]; message: string; code: string; elementIndex: number}[] = [];
  const planned: {input: MetafieldsSetInput; ownerId: number; namespace: string; type: string; store: Map<string, MetafieldRecord>}[] = [];
  inputs.forEach((input, i) => {
    const error = (field: string, message: string, code: string) => userErrors.push({field: ['metafields', String(i), field], message, code, elementIndex: i});
    const owner = parseGid(input.ownerId);
    // https://shopify.dev/docs/apps/custom-data/metafields/app-data: an app may own metafields on its own installation only.
    const installation = owner?.type === 'AppInstallation' && owner.id === ctx.appId;
    if (!owner || !(installation || (owner.type === 'Product' && shop.products.has(owner.id)))) return error('ownerId', 'Owner does not exist.', 'INVALID_VALUE');
    const namespace = resolveNamespace(input.namespace, ctx.appId);
    if (namespace.startsWith('app--') && !namespace.startsWith(`app--${ctx.appId}`)) {
      return error('namespace', 'Access to this namespace and key on Metafields for this resource type is not allowed.', 'APP_NOT_AUTHORIZED');
    }
    if (namespace.length < 3) return error('namespace', 'Namespace is too short (minimum is 3 characters)', 'TOO_SHORT');
    if (input.key.length < 2) return error('key', 'Key is too short (minimum is 2 characters)', 'TOO_SHORT');
    const store = installation ? shop.appMetafields : shop.metafields;
    const existing = store.get(shop.metafieldKey(owner.id, namespace, input.key));
    const type = input.type ?? existing?.type;
    if (!type) return error('type', "Type can't be blank", 'BLANK');
    if (!METAFIELD_TYPES.has(type)) return error('type', `Type '${type}' is not a valid metafield type.`, 'INVALID_TYPE');
    const problem = valueProblem(type, input.value, shop);
    if (problem) return error('value', problem, 'INVALID_VALUE');
    planned.push({input, ownerId: owner.id, namespace, type, store});
  });
  if (userErrors.length > 0) return {metafields: null, userErrors};
  const now = new Date().toISOString();
  const written = planned.map(({input, ownerId, namespace, type, store}) => {
    const key = shop.metafieldKey(ownerId, namespace, input.key);
    const existing = store.get(key);
    const record: MetafieldRecord = {
      id: existing?.id ?? newId(), ownerId, namespace, key: input.key, type, value: input.value,
      createdAt: existing?.createdAt ?? now, updatedAt: now,
    };
    store.set(key, record);
    return metafieldNode(record);
  });
  return {metafields: written, userErrors: []};
}

function valueProblem(type: string, value: string, shop: ShopState): string | undefined {
  const references = (ids: unknown[]): string | undefined => {
    for (const id of ids) {
      const ref = parseGid(id);
      if (!ref || ref.type !== 'Product') return `Value must be a product reference (gid://shopify/Product/<id>), got ${JSON.stringify(id)}.`;
      if (!shop.products.has(ref.id)) return `Value references non-existent resource ${String(id)}.`;
    }
    return undefined;
  };
  switch (type) {
    case 'product_reference':
      return references([value]);
    case 'list.product_reference': {
      let list: unknown;
      try {
        list = JSON.parse(value);
      } catch {
        return 'Value is invalid JSON.';
      }
      if (!Array.isArray(list)) return 'Value must be an array.';
      if (list.length > 128) return 'Value has more than 128 items.';
      return references(list);
    }
    case 'number_integer':
      return /^-?\d+$/.test(value) ? undefined : 'Value must be an integer.';
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : "Value must be 'true' or 'false'.";
    case 'json':
      try {
        JSON.parse(value);
        return undefined;
      } catch {
        return 'Value is invalid JSON.';
      }
    default:
      return undefined;
  }
}

function metafieldsDelete(ctx: RequestContext, inputs: {ownerId: string; namespace: string; key: string}[]) {
  requireScope(ctx, 'write_products', 'metafieldsDelete');
  const shop = ctx.shop;
  const deletedMetafields = inputs.map((input) => {
    const owner = parseGid(input.ownerId);
    const namespace = resolveNamespace(input.namespace, ctx.appId);
    const key = owner ? shop.metafieldKey(owner.id, namespace, input.key) : '';
    if (!owner || !shop.metafields.delete(key)) return null;
    return {ownerId: input.ownerId, namespace, key: input.key};
  });
  return {deletedMetafields, userErrors: []};
}

const RESOLVERS: Record<string, Record<string, Resolver>> = {
  QueryRoot: {
    shop: (_s, _a, ctx) => shopNode(ctx),
    node: (_s, args, ctx) => lookup(ctx, args.id),
    nodes: (_s, args, ctx) => (args.ids as string[]).map((id) => lookup(ctx, id)),
    product: (_s, args, ctx) => {
      const node = lookup(ctx, args.id);
      return node?.__typename === 'Product' ? node : null;
    },
    order: (_s, args, ctx) => {
      const node = lookup(ctx, args.id);
      return node?.__typename === 'Order' ? node : null;
    },
    products: (_s, args, ctx) => {
      requireScope(ctx, 'read_products', 'products');
      const list = ctx.shop.productList();
      if (args.reverse) list.reverse();
      return connection(list, args, ctx, productNode);
    },
    orders: (_s, args, ctx) => {
      requireScope(ctx, 'read_orders', 'orders');
      const list = ctx.shop.orders.slice();
      if (args.reverse) list.reverse();
      return connection(list, args, ctx, orderNode);
    },
    currentAppInstallation: (_s, _a, ctx) => ({id: gid('AppInstallation', ctx.appId)}),
    currentBulkOperation: (_s, args, ctx) => {
      if (args.type === 'MUTATION') return null;
      const op = ctx.shop.currentBulkOperation();
      return op ? bulkNode(op) : null;
    },
  },
  Mutation: {
    bulkOperationRunQuery: (_s, args, ctx) => {
      const result = ctx.runBulkQuery(args.query as string, args.groupObjects as boolean);
      return {bulkOperation: result.bulkOperation && bulkNode(result.bulkOperation), userErrors: result.userErrors};
    },
    bulkOperationCancel: (_s, args, ctx) => {
      const ref = parseGid(args.id);
      const op = ref ? ctx.cancelBulk(ref.id) : undefined;
      if (!op) return {bulkOperation: null, userErrors: [{field: ['id'], message: 'Bulk operation does not exist'}]};
      return {bulkOperation: bulkNode(op), userErrors: []};
    },
    metafieldsSet: (_s, args, ctx) => metafieldsSet(ctx, args.metafields as MetafieldsSetInput[]),
    metafieldsDelete: (_s, args, ctx) => metafieldsDelete(ctx, args.metafields as {ownerId: string; namespace: string; key: string}[]),
  },
  Product: {
    id: (p) => gid('Product', (p as StoreProduct).id),
    status: (p) => (p as StoreProduct).status.toUpperCase(),
    totalInventory: (p) => (p as StoreProduct).inventory,
    tracksInventory: (p) => isTracked(p as StoreProduct),
    isGiftCard: (p) => (p as StoreProduct).giftCard,
    description: (p, args) => {
      const text = (p as StoreProduct).description;
      const limit = args.truncateAt as number | undefined;
      return limit && text.length > limit ? `${text.slice(0, Math.max(0, limit - 3))}...` : text;
    },
    descriptionHtml: (p) => `<p>${(p as StoreProduct).description.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`,
    featuredImage: (p, _a, ctx) => imageOf(p as StoreProduct, ctx),
    featuredMedia: (p, _a, ctx) => {
      const image = imageOf(p as StoreProduct, ctx);
      return image && {
        __typename: 'MediaImage', id: gid('MediaImage', (p as StoreProduct).id), alt: image.altText, mediaContentType: 'IMAGE',
        preview: {image, status: 'READY'}, image,
      };
    },
    onlineStoreUrl: (p, _a, ctx) => ((p as StoreProduct).status === 'active' ? `https://${ctx.shop.domain}/products/${(p as StoreProduct).handle}` : null),
    priceRangeV2: (p, _a, ctx) => ({
      minVariantPrice: money((p as StoreProduct).price, ctx.shop.currency),
      maxVariantPrice: money((p as StoreProduct).price, ctx.shop.currency),
    }),
    publishedAt: (p) => ((p as StoreProduct).status === 'active' ? (p as StoreProduct).createdAt : null),
    variants: (p, args, ctx) => connection([p as StoreProduct], args, ctx, variantNode, true),
    metafield: (p, args, ctx) => {
      const shop = ctx.shop;
      const record = shop.metafields.get(shop.metafieldKey((p as StoreProduct).id, resolveNamespace(args.namespace as string, ctx.appId), args.key as string));
      return record ? metafieldNode(record) : null;
    },
    metafields: (p, args, ctx) => {
      const namespace = args.namespace ? resolveNamespace(args.namespace as string, ctx.appId) : undefined;
      const keys = args.keys as string[] | undefined;
      const list = ctx.shop.metafieldsOf((p as StoreProduct).id)
        .filter((m) => (!namespace || m.namespace === namespace) && (!keys || keys.includes(`${m.namespace}.${m.key}`)));
      return connection(list, args, ctx, metafieldNode, true);
    },
  },
  ProductVariant: {
    id: (v) => gid('ProductVariant', (v as {product: StoreProduct}).product.variantId),
    title: () => 'Default Title',
    sku: (v) => `SKU-${(v as {product: StoreProduct}).product.variantId % 1_000_000}`,
    price: (v) => (v as {product: StoreProduct}).product.price,
    availableForSale: (v) => {
      const p = (v as {product: StoreProduct}).product;
      return p.available && p.status === 'active';
    },
    inventoryQuantity: (v) => (v as {product: StoreProduct}).product.inventory,
    // https://shopify.dev/docs/api/admin-graphql/2026-10/enums/ProductVariantInventoryPolicy
    inventoryPolicy: (v) => ((v as {product: StoreProduct}).product.inventoryPolicy ?? 'deny').toUpperCase(),
    inventoryItem: (v) => ({__typename: 'InventoryItem', product: (v as {product: StoreProduct}).product}),
    product: (v) => productNode((v as {product: StoreProduct}).product),
    createdAt: (v) => (v as {product: StoreProduct}).product.createdAt,
    updatedAt: (v) => (v as {product: StoreProduct}).product.updatedAt,
  },
  // The variant's one inventory item, with the id and `tracked` the inventory_items webhooks carry (devkit/webhooks.ts):
  // https://shopify.dev/docs/api/admin-graphql/2026-10/objects/InventoryItem
  InventoryItem: {
    id: (i) => gid('InventoryItem', inventoryItemId((i as {product: StoreProduct}).product)),
    sku: (i) => `SKU-${(i as {product: StoreProduct}).product.variantId % 1_000_000}`,
    tracked: (i) => isTracked((i as {product: StoreProduct}).product),
    requiresShipping: (i) => !(i as {product: StoreProduct}).product.giftCard,
    createdAt: (i) => (i as {product: StoreProduct}).product.createdAt,
    updatedAt: (i) => (i as {product: StoreProduct}).product.updatedAt,
  },
  Order: {
    id: (o) => gid('Order', (o as StoreOrder).id),
    processedAt: (o) => (o as StoreOrder).createdAt,
    test: () => false,
    currencyCode: (o) => (o as StoreOrder).currency,
    // Net of the lines' discounts, as the webhook's total_price is (devkit/webhooks.ts).
    totalPriceSet: (o) => moneyBag(orderTotal(o as StoreOrder), (o as StoreOrder).currency),
    // The stand-in's orders are never edited or refunded: what remains is what was ordered.
    currentTotalPriceSet: (o) => moneyBag(orderTotal(o as StoreOrder), (o as StoreOrder).currency),
    subtotalPriceSet: (o) => moneyBag(orderTotal(o as StoreOrder), (o as StoreOrder).currency),
    customer: (o) => ((o as StoreOrder).customerId === null ? null : {__typename: 'Customer', id: gid('Customer', (o as StoreOrder).customerId as number)}),
    lineItems: (o, args, ctx) => connection((o as StoreOrder).lines, args, ctx, (l) => lineNode(l, o as StoreOrder), true),
  },
  LineItem: {
    id: (s) => gid('LineItem', (s as {line: StoreOrderLine}).line.id),
    name: (s) => (s as {line: StoreOrderLine}).line.title,
    title: (s) => (s as {line: StoreOrderLine}).line.title,
    sku: (s) => {
      const {line} = s as {line: StoreOrderLine};
      return line.variantId === null ? null : `SKU-${line.variantId % 1_000_000}`;
    },
    quantity: (s) => (s as {line: StoreOrderLine}).line.quantity,
    currentQuantity: (s) => (s as {line: StoreOrderLine}).line.quantity,
    product: (s, _a, ctx) => {
      const {line} = s as {line: StoreOrderLine};
      const p = line.productId === null ? undefined : ctx.shop.products.get(line.productId);
      return p ? productNode(p) : null;
    },
    variant: (s, _a, ctx) => {
      const {line} = s as {line: StoreOrderLine};
      const p = line.productId === null ? undefined : ctx.shop.products.get(line.productId);
      return p ? variantNode(p) : null;
    },
    originalUnitPriceSet: (s) => moneyBag((s as {line: StoreOrderLine}).line.price, (s as {order: StoreOrder}).order.currency),
    discountedUnitPriceSet: (s) => moneyBag((s as {line: StoreOrderLine}).line.price, (s as {order: StoreOrder}).order.currency),
    customAttributes: (s) => ((s as {line: StoreOrderLine}).line.properties ?? []).map((p) => ({key: p.name, value: p.value})),
    discountAllocations: (s) => {
      const {line, order} = s as {line: StoreOrderLine; order: StoreOrder};
      return (line.discountAllocations ?? []).map((a) => {
        const application = order.discountApplications?.[a.applicationIndex];
        return {
          allocatedAmountSet: moneyBag(a.amount, order.currency),
          discountApplication: application && {
            __typename: 'AutomaticDiscountApplication', index: a.applicationIndex, title: application.title,
            allocationMethod: 'EACH', targetSelection: 'EXPLICIT', targetType: 'LINE_ITEM',
            value: application.valueType === 'percentage'
              ? {__typename: 'PricingPercentageValue', percentage: Number(application.value)}
              : {__typename: 'MoneyV2', amount: application.value, currencyCode: order.currency},
          },
        };
      });
    },
  },
  Metafield: {
    id: (m) => gid('Metafield', (m as MetafieldRecord).id),
    jsonValue: (m) => {
      const {value, type} = m as MetafieldRecord;
      if (type === 'json' || type.startsWith('list.')) return JSON.parse(value);
      if (type === 'number_integer' || type === 'number_decimal') return Number(value);
      if (type === 'boolean') return value === 'true';
      return value;
    },
    compareDigest: (m) => Buffer.from(`${(m as MetafieldRecord).id}:${(m as MetafieldRecord).updatedAt}`).toString('base64'),
  },
  BulkOperation: {
    id: (op) => gid('BulkOperation', (op as BulkOperationRecord).id),
    type: () => 'QUERY',
    objectCount: (op) => String((op as BulkOperationRecord).objectCount),
    rootObjectCount: (op) => String((op as BulkOperationRecord).rootObjectCount),
    fileSize: (op) => ((op as BulkOperationRecord).fileSize === null ? null : String((op as BulkOperationRecord).fileSize)),
    partialDataUrl: () => null,
  },
};

const cents = (amount: string) => Math.round(Number(amount) * 100);

/** What the order cost the buyer: its lines less their discount allocations. */
function orderTotal(order: StoreOrder): string {
  const gross = order.lines.reduce((sum, l) => sum + cents(l.price) * l.quantity, 0);
  const discounts = order.lines.reduce((sum, l) => sum + (l.discountAllocations ?? []).reduce((n, a) => n + cents(a.amount), 0), 0);
  return ((gross - discounts) / 100).toFixed(2);
}

/** A slice of the Admin API kept in its own module (SDL with `extend type`, and its resolvers). */
export interface SchemaExtension {
  sdl: string;
  resolvers: Record<string, Record<string, Resolver>>;
}

/** The executable schema: SDL plus the resolvers above (custom scalars pass values through as JSON). */
export function buildAdminSchema(extensions: SchemaExtension[] = []): GraphQLSchema {
  const schema = buildSchema(ADMIN_SDL + extensions.map((e) => e.sdl).join('\n'));
  for (const [typeName, fields] of [RESOLVERS, ...extensions.map((e) => e.resolvers)].flatMap((r) => Object.entries(r))) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    const defined = type.getFields();
    for (const [field, resolve] of Object.entries(fields)) {
      if (!defined[field]) throw new Error(`resolver for unknown field ${typeName}.${field}`);
      defined[field].resolve = resolve;
    }
  }
  return schema;
}

import {readFileSync} from 'node:fs';
import {buildSchema, graphql} from 'graphql';
import type {GraphQLSchema} from 'graphql';
import {parse} from 'smol-toml';
import type {MetafieldView} from '../shopify-standin';
import {resolveNamespace} from '../shopify-standin';
import type {StoreProduct} from '../store-generator';

/**
 * The part of the Storefront API the checkout UI extension asks for (`shopify.query`), as a real GraphQL schema
 * so that a query the real API would refuse is refused here too: `nodes` (at most 250 ids, null for what the
 * channel does not publish), Product and ProductVariant with the fields below, and metafields, of which only
 * those whose definition grants the storefront `public_read` are visible.
 * https://shopify.dev/docs/api/storefront/latest/queries/nodes , .../objects/Product ,
 * https://shopify.dev/docs/apps/build/custom-data/metafields/definitions (access.storefront)
 */
const SDL = /* GraphQL */ `
  scalar Decimal
  scalar URL
  interface Node { id: ID! }
  type Query { nodes(ids: [ID!]!): [Node]! }
  type MoneyV2 { amount: Decimal! currencyCode: String! }
  type ProductPriceRange { minVariantPrice: MoneyV2! maxVariantPrice: MoneyV2! }
  type Image { url: URL! altText: String }
  type Metafield { namespace: String! key: String! type: String! value: String! }
  type ProductVariant implements Node { id: ID! title: String! availableForSale: Boolean! price: MoneyV2! product: Product! }
  type ProductVariantConnection { nodes: [ProductVariant!]! }
  type Product implements Node {
    id: ID!
    title: String!
    handle: String!
    vendor: String!
    productType: String!
    availableForSale: Boolean!
    isGiftCard: Boolean!
    onlineStoreUrl: URL
    priceRange: ProductPriceRange!
    featuredImage: Image
    variants(first: Int): ProductVariantConnection!
    metafield(namespace: String, key: String!): Metafield
  }
`;

export interface StorefrontData {
  products(): Iterable<StoreProduct>;
  metafields(): MetafieldView[];
  /** The app's id on the stand-in, for the `$app` namespace. */
  appId: number;
  currency: string;
  origin: string;
}

/** Keys of `[product.metafields.app.<key>]` in shopify.app.toml that the storefront may read. */
function storefrontReadableKeys(): Set<string> {
  const toml = parse(readFileSync(new URL('../../shopify.app.toml', import.meta.url), 'utf8')) as {
    product?: {metafields?: {app?: Record<string, {access?: {storefront?: string}}>}};
  };
  const defs = toml.product?.metafields?.app ?? {};
  return new Set(Object.entries(defs).filter(([, d]) => d.access?.storefront === 'public_read').map(([key]) => key));
}

const NODES_MAX = 250;

/** Executes a Storefront API request against the stand-in's products and metafields. */
export function storefrontApi(data: StorefrontData): (body: {query: string; variables?: Record<string, unknown>}) => Promise<unknown> {
  const schema: GraphQLSchema = buildSchema(SDL);
  const readable = storefrontReadableKeys();
  const appNamespace = resolveNamespace('$app', data.appId);
  const money = (amount: string) => ({amount, currencyCode: data.currency});
  const variant = (p: StoreProduct) => ({
    __typename: 'ProductVariant', id: `gid://shopify/ProductVariant/${p.variantId}`, title: 'Default Title', availableForSale: p.available, price: money(p.price), product: () => product(p),
  });
  const product = (p: StoreProduct) => ({
    __typename: 'Product',
    id: `gid://shopify/Product/${p.id}`,
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.productType,
    availableForSale: p.available,
    isGiftCard: p.giftCard,
    onlineStoreUrl: `${data.origin}/products/${p.handle}`,
    priceRange: {minVariantPrice: money(p.price), maxVariantPrice: money(p.price)},
    featuredImage: p.hasImage ? {url: `${data.origin}/images/${p.handle}.png`, altText: p.title} : null,
    variants: ({first}: {first?: number}) => ({nodes: [variant(p)].slice(0, first ?? 250)}),
    metafield: ({namespace, key}: {namespace?: string; key: string}) => {
      const ns = resolveNamespace(namespace ?? '$app', data.appId);
      if (ns !== appNamespace || !readable.has(key)) return null;
      const m = data.metafields().find((f) => f.productId === p.id && f.namespace === ns && f.key === key);
      return m ? {namespace: '$app', key, type: m.type, value: m.value} : null;
    },
  });
  const root = {
    nodes: ({ids}: {ids: string[]}) => {
      if (ids.length > NODES_MAX) throw new Error(`nodes: the ids argument holds ${ids.length} ids, more than the ${NODES_MAX} allowed`);
      const byId = new Map([...data.products()].map((p) => [p.id, p]));
      return ids.map((gid) => {
        const match = /^gid:\/\/shopify\/(Product|ProductVariant)\/(\d+)$/.exec(gid);
        if (!match) return null;
        const p = match[1] === 'Product' ? byId.get(Number(match[2])) : [...byId.values()].find((x) => x.variantId === Number(match[2]));
        // The channel publishes active products only: a draft or archived one reads as null.
        if (!p || p.status !== 'active') return null;
        return match[1] === 'Product' ? product(p) : variant(p);
      });
    },
  };
  return async ({query, variables}) =>
    graphql({schema, source: query, rootValue: root, variableValues: variables, typeResolver: (value: {__typename: string}) => value.__typename});
}

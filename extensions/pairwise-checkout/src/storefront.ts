import {parseCartModel} from './cart-model';
import type {CartModel, LiveProduct} from './cart-model';

/**
 * The extension's one Storefront API read (`shopify.query`, allowed by `api_access = true` in the toml):
 * products by id, with their `$app.cart_model` metafield when asked for. Storefront API access from a UI
 * extension: https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/platform-apis/storefront-api ;
 * `nodes` takes at most 250 ids: https://shopify.dev/docs/api/storefront/latest/queries/nodes ; app-owned
 * metafields are asked for in the `$app` namespace: https://shopify.dev/docs/apps/build/custom-data/ownership
 */
export const PRODUCTS_QUERY = `query PairwiseProducts($ids: [ID!]!, $withModel: Boolean!) {
  nodes(ids: $ids) {
    ... on Product {
      id
      title
      availableForSale
      isGiftCard
      priceRange { minVariantPrice { amount currencyCode } }
      featuredImage { url altText }
      variants(first: 10) { nodes { id availableForSale } }
      cartModel: metafield(namespace: "$app", key: "cart_model") @include(if: $withModel) { value }
    }
  }
}`;

/** `nodes` answers at most this many ids per query. */
export const NODES_MAX = 250;

export interface StorefrontProduct extends LiveProduct {
  id: string;
  title: string;
  imageUrl: string | null;
  /** The first variant that can be bought: what "Add" and a cart link put in the cart. */
  variantId: string | null;
  model: CartModel | null;
}

interface ProductNode {
  id: string;
  title: string;
  availableForSale: boolean;
  isGiftCard: boolean;
  priceRange: {minVariantPrice: {amount: string}};
  featuredImage: {url: string; altText: string | null} | null;
  variants: {nodes: {id: string; availableForSale: boolean}[]};
  cartModel?: {value: string} | null;
}

/** The `shopify.query` shape every target has (StandardApi). */
export type StorefrontQuery = <Data>(query: string, options: {variables: Record<string, unknown>}) => Promise<{data?: Data; errors?: unknown}>;

export const productGid = (id: string) => `gid://shopify/Product/${id}`;
/** The numeric part of a gid, as a string (exact past 2^53). */
export const gidNumber = (gid: string) => gid.slice(gid.lastIndexOf('/') + 1);

/**
 * The products among `ids` the buyer's channel publishes, by id. A failed query reads as no products, so the
 * extension shows nothing instead of throwing into checkout.
 */
export async function fetchProducts(query: StorefrontQuery, ids: string[], withModel: boolean): Promise<Map<string, StorefrontProduct>> {
  const found = new Map<string, StorefrontProduct>();
  for (let i = 0; i < ids.length; i += NODES_MAX) {
    const chunk = ids.slice(i, i + NODES_MAX);
    let nodes: (ProductNode | null)[] = [];
    try {
      const result = await query<{nodes: (ProductNode | null)[]}>(PRODUCTS_QUERY, {variables: {ids: chunk.map(productGid), withModel}});
      nodes = result.data?.nodes ?? [];
    } catch {
      nodes = [];
    }
    for (const n of nodes) {
      if (!n?.id) continue;
      const id = gidNumber(n.id);
      found.set(id, {
        id,
        title: n.title,
        availableForSale: n.availableForSale,
        isGiftCard: n.isGiftCard,
        price: Number(n.priceRange.minVariantPrice.amount),
        imageUrl: n.featuredImage?.url ?? null,
        variantId: n.variants.nodes.find((v) => v.availableForSale)?.id ?? null,
        model: parseCartModel(n.cartModel?.value),
      });
    }
  }
  return found;
}

/**
 * The preview store's catalogue: products as a test or the demo describes them, turned into the shapes Shopify
 * gives the storefront (Liquid product objects with the app-owned metafield, and Ajax `/products/<handle>.js`).
 */
import {Drop} from 'liquidjs';

/** A product as the caller describes it; everything but id, handle, title and price has a realistic default. */
export interface StoreProduct {
  id: number;
  handle: string;
  title: string;
  /** Price of the (single) variant in cents. */
  price: number;
  available?: boolean;
  /** Shopify's product status; only `active` products are published to the online store. */
  status?: 'active' | 'draft' | 'archived';
  giftCard?: boolean;
  /** Defaults to `id * 10 + 1`. */
  variantId?: number;
  /** Image URL; defaults to a generated placeholder served by the preview store. `null` for no image. */
  image?: string | null;
}

/** Recommendations as the metafield holds them: product ids, best first; an id with no product is a deleted one. */
export type RecommendationsFor = (productId: number) => number[];

export interface LiquidImage {
  src: string;
  width: number;
  height: number;
  alt: string;
}

export interface LiquidVariant {
  id: number;
  title: string;
  price: number;
  available: boolean;
}

/** The subset of Shopify's Liquid `product` object the blocks and the preview pages read. */
export interface LiquidProduct {
  id: number;
  handle: string;
  title: string;
  url: string;
  price: number;
  available: boolean;
  'gift_card?': boolean;
  featured_image: LiquidImage | null;
  selected_or_first_available_variant: LiquidVariant;
  variants: LiquidVariant[];
  metafields: Record<string, Record<string, {value: (LiquidProduct | null)[]}>>;
}

export const variantIdOf = (p: StoreProduct): number => p.variantId ?? p.id * 10 + 1;
export const isPublished = (p: StoreProduct): boolean => (p.status ?? 'active') === 'active';
export const imageOf = (p: StoreProduct): string | null =>
  p.image === undefined ? `/images/${encodeURIComponent(p.handle)}.svg` : p.image;

/** Indexes products by id, handle and variant id, and builds their storefront shapes. */
export class Catalog {
  readonly byId = new Map<number, StoreProduct>();
  readonly byHandle = new Map<string, StoreProduct>();
  readonly byVariant = new Map<number, StoreProduct>();

  constructor(
    products: StoreProduct[],
    readonly recommendationsFor: RecommendationsFor,
    /** Prefix of product URLs (`product.url`, `/products/<handle>.js`'s `url`): `/`, or a market's `/en-ca/`. */
    private readonly root = '/',
  ) {
    for (const p of products) {
      this.byId.set(p.id, p);
      this.byHandle.set(p.handle, p);
      this.byVariant.set(variantIdOf(p), p);
    }
  }

  variantOf(p: StoreProduct): LiquidVariant {
    // An unpublished product cannot be bought from the online store, whatever its inventory says.
    const available = (p.available ?? true) && isPublished(p);
    return {id: variantIdOf(p), title: 'Default Title', price: p.price, available};
  }

  /**
   * The Liquid product object. Its `$app.recommendations` metafield resolves to product objects, and to nil for
   * products that no longer exist, as `list.product_reference` does in Liquid. Only the reserved-prefix spelling
   * `metafields['$app']` reaches the app's namespace (`app--<app id>`), as in a theme app extension; `metafields.app`
   * is a namespace literally named "app" and holds nothing:
   * https://shopify.dev/docs/apps/build/online-store/theme-app-extensions/configuration#reserved-prefixes-for-metafields-and-metaobjects
   */
  liquidProduct(p: StoreProduct): LiquidProduct {
    const variant = this.variantOf(p);
    const src = imageOf(p);
    const catalog = this;
    return {
      id: p.id,
      handle: p.handle,
      title: p.title,
      url: `${catalog.root}products/${p.handle}`,
      price: p.price,
      available: variant.available,
      'gift_card?': p.giftCard ?? false,
      featured_image: src ? {src, width: 800, height: 800, alt: p.title} : null,
      selected_or_first_available_variant: variant,
      variants: [variant],
      get metafields() {
        const value = catalog.recommendationsFor(p.id).map((id) => {
          const companion = catalog.byId.get(id);
          return companion ? catalog.liquidProduct(companion) : null;
        });
        return {'$app': {recommendations: {value}}};
      },
    };
  }

  /** Liquid's `all_products[handle]`: the product with that handle, or nil. */
  allProducts(): Drop {
    const catalog = this;
    return new (class extends Drop {
      override liquidMethodMissing(handle: string | number) {
        const product = catalog.byHandle.get(String(handle));
        return product ? catalog.liquidProduct(product) : undefined;
      }
    })();
  }

  /** The Ajax API's `/products/<handle>.js` body. */
  ajaxProduct(p: StoreProduct) {
    const variant = this.variantOf(p);
    const src = imageOf(p);
    return {
      id: p.id,
      title: p.title,
      handle: p.handle,
      url: `${this.root}products/${p.handle}`,
      available: variant.available,
      price: p.price,
      featured_image: src,
      images: src ? [src] : [],
      variants: [{...variant, name: p.title}],
    };
  }
}

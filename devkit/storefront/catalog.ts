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
  /** Option names (`Size`, `Colour`) when the product has several variants; `variants` then lists them. */
  options?: string[];
  /** Several variants, each with one value per option; price and availability default to the product's. */
  variants?: StoreVariant[];
}

export interface StoreVariant {
  id: number;
  /** One value per option name, in order. */
  values: string[];
  price?: number;
  available?: boolean;
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
  /** The variant's option values, in the product's option order (`option1`... in Liquid). */
  options: string[];
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
  has_only_default_variant: boolean;
  /** https://shopify.dev/docs/api/liquid/objects/product_option: name, position and values of each option. */
  options_with_values: {name: string; position: number; values: string[]}[];
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
    readonly root = '/',
  ) {
    for (const p of products) {
      this.byId.set(p.id, p);
      this.byHandle.set(p.handle, p);
      for (const v of this.variantsOf(p)) this.byVariant.set(v.id, p);
    }
  }

  /** Every variant of a product: its own list, or the one default variant Shopify gives a product without options. */
  variantsOf(p: StoreProduct): LiquidVariant[] {
    // An unpublished product cannot be bought from the online store, whatever its inventory says.
    const sellable = (p.available ?? true) && isPublished(p);
    if (!p.variants?.length) return [{id: variantIdOf(p), title: 'Default Title', price: p.price, available: sellable, options: ['Default Title']}];
    return p.variants.map((v) => ({
      id: v.id,
      title: v.values.join(' / '),
      price: v.price ?? p.price,
      available: sellable && (v.available ?? true),
      options: v.values,
    }));
  }

  /** The variant a product page starts on: the first available one, else the first (`selected_or_first_available_variant`). */
  variantOf(p: StoreProduct): LiquidVariant {
    const variants = this.variantsOf(p);
    return variants.find((v) => v.available) ?? variants[0];
  }

  /** One variant by id (the product must hold it). */
  variantById(p: StoreProduct, id: number): LiquidVariant | undefined {
    return this.variantsOf(p).find((v) => v.id === id);
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
    const variants = this.variantsOf(p);
    return {
      id: p.id,
      handle: p.handle,
      title: p.title,
      url: `${catalog.root}products/${p.handle}`,
      price: variant.price,
      available: variants.some((v) => v.available),
      'gift_card?': p.giftCard ?? false,
      featured_image: src ? {src, width: 800, height: 800, alt: p.title} : null,
      selected_or_first_available_variant: variant,
      variants,
      has_only_default_variant: !p.variants?.length,
      options_with_values: (p.variants?.length ? (p.options ?? []) : []).map((name, i) => ({
        name,
        position: i + 1,
        values: [...new Set(variants.map((v) => v.options[i]))],
      })),
      get metafields() {
        const value = catalog.recommendationsFor(p.id).map((id) => {
          const companion = catalog.byId.get(id);
          return companion ? catalog.liquidProduct(companion) : null;
        });
        return {'$app': {recommendations: {value}}};
      },
    };
  }

  /** A product's storefront URL (under the market's subfolder when there is one). */
  urlOf(p: StoreProduct): string {
    return `${this.root}products/${p.handle}`;
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
    const variants = this.variantsOf(p);
    const src = imageOf(p);
    return {
      id: p.id,
      title: p.title,
      handle: p.handle,
      url: `${this.root}products/${p.handle}`,
      available: variants.some((v) => v.available),
      price: variant.price,
      featured_image: src,
      images: src ? [src] : [],
      options: p.variants?.length ? (p.options ?? []) : ['Title'],
      variants: variants.map((v) => ({...v, name: v.title === 'Default Title' ? p.title : `${p.title} - ${v.title}`})),
    };
  }
}

/**
 * The Liquid objects a real theme reads on the product and cart pages, built from the preview store's catalogue
 * and cart in Shopify's shapes: product (https://shopify.dev/docs/api/liquid/objects/product), variant
 * (https://shopify.dev/docs/api/liquid/objects/variant), media and image
 * (https://shopify.dev/docs/api/liquid/objects/media, https://shopify.dev/docs/api/liquid/objects/image),
 * cart and line item (https://shopify.dev/docs/api/liquid/objects/cart,
 * https://shopify.dev/docs/api/liquid/objects/line_item). A field a theme reads that is not here is nil, as an
 * absent field is in Shopify; the fields below are the ones these themes' product and cart pages use.
 */
import {Drop} from 'liquidjs';
import type {Cart} from '../cart';
import type {Catalog, LiquidVariant, StoreProduct} from '../catalog';
import {imageOf} from '../catalog';

export class ImageValue extends Drop {
  readonly media_type = 'image';
  readonly presentation = {focal_point: '50.0% 50.0%'};
  readonly position = 1;
  constructor(
    readonly id: number,
    readonly src: string,
    readonly alt: string,
    readonly width = 800,
    readonly height = 800,
  ) {
    super();
  }
  get aspect_ratio() {
    return this.width / this.height;
  }
  get preview_image() {
    return this;
  }
  override toString() {
    return this.src;
  }
}

const variantTitle = (v: LiquidVariant) => v.title;

export function variantObject(catalog: Catalog, p: StoreProduct, v: LiquidVariant) {
  const image = productImage(p);
  return {
    id: v.id,
    title: variantTitle(v),
    name: v.title === 'Default Title' ? p.title : `${p.title} - ${v.title}`,
    price: v.price,
    compare_at_price: null,
    available: v.available,
    options: v.options,
    option1: v.options[0] ?? null,
    option2: v.options[1] ?? null,
    option3: v.options[2] ?? null,
    sku: null,
    url: `${catalog.urlOf(p)}?variant=${v.id}`,
    featured_image: image,
    featured_media: image,
    image,
    inventory_management: null,
    inventory_policy: 'deny',
    quantity_rule: {min: 1, max: null, increment: 1},
    quantity_price_breaks: [],
    requires_selling_plan: false,
    selling_plan_allocations: [],
    store_availabilities: [],
    unit_price_measurement: null,
    'matched?': true,
  };
}

const productImage = (p: StoreProduct) => {
  const src = imageOf(p);
  return src ? new ImageValue(p.id, src, p.title) : null;
};

/** The Liquid `product`; `selectedVariantId` is the page's `?variant=` (selected_variant). */
export function productObject(catalog: Catalog, p: StoreProduct, selectedVariantId?: number) {
  const base = catalog.liquidProduct(p);
  const variants = catalog.variantsOf(p).map((v) => variantObject(catalog, p, v));
  const selected = variants.find((v) => v.id === selectedVariantId) ?? null;
  const current = selected ?? variants.find((v) => v.available) ?? variants[0];
  const image = productImage(p);
  const options = base.options_with_values.map((option) => ({
    ...option,
    selected_value: current.options[option.position - 1],
    values: option.values.map((value) => {
      const matching = variants.filter((v) => v.options[option.position - 1] === value);
      const chosen = matching.find((v) => v.options.every((o, i) => i === option.position - 1 || o === current.options[i])) ?? matching[0];
      return {
        name: value,
        id: `${option.position}-${value}`,
        selected: current.options[option.position - 1] === value,
        available: matching.some((v) => v.available),
        variant: chosen,
        product_url: null,
        swatch: null,
        toString: () => value,
      };
    }),
  }));
  return {
    ...base,
    type: '',
    vendor: '',
    description: '',
    content: '',
    tags: [],
    collections: [],
    featured_image: image,
    featured_media: image,
    images: image ? [image] : [],
    media: image ? [image] : [],
    price_min: Math.min(...variants.map((v) => v.price)),
    price_max: Math.max(...variants.map((v) => v.price)),
    price_varies: new Set(variants.map((v) => v.price)).size > 1,
    compare_at_price: null,
    compare_at_price_varies: false,
    variants,
    variants_count: variants.length,
    options: base.options_with_values.map((o) => o.name),
    options_with_values: options,
    options_by_name: Object.fromEntries(options.map((o) => [o.name.toLowerCase(), o])),
    selected_variant: selected,
    selected_or_first_available_variant: current,
    first_available_variant: variants.find((v) => v.available) ?? variants[0],
    requires_selling_plan: false,
    selling_plan_groups: [],
    'quantity_price_breaks_configured?': false,
    template_suffix: null,
  };
}

/** The Liquid `cart` (cents, as Liquid gives money). */
export function cartObject(catalog: Catalog, cart: Cart, currency: string) {
  const ajax = cart.ajax(currency);
  const items = cart.lines.map((line, index) => {
    const p = catalog.byVariant.get(line.variantId)!;
    const v = catalog.variantById(p, line.variantId)!;
    const a = ajax.items[index];
    const variant = variantObject(catalog, p, v);
    return {
      id: line.variantId,
      key: line.key,
      index,
      product_id: p.id,
      variant_id: v.id,
      product: productObject(catalog, p),
      variant,
      title: a.title,
      quantity: line.quantity,
      price: a.price,
      final_price: a.price,
      original_price: a.price,
      final_line_price: a.line_price,
      original_line_price: a.line_price,
      line_level_total_discount: 0,
      line_level_discount_allocations: [],
      discounts: [],
      unit_price: null,
      unit_price_measurement: null,
      image: variant.image,
      url: `${variant.url}`,
      url_to_remove: `${catalog.root}cart/change?line=${index + 1}&quantity=0`,
      properties: line.properties,
      options_with_values: v.title === 'Default Title' ? [] : catalog.liquidProduct(p).options_with_values.map((o, i) => ({name: o.name, value: v.options[i]})),
      selling_plan_allocation: null,
      item_components: [],
      parent_relationship: null,
      instructions: {can_remove: true, can_update_quantity: true},
      gift_card: false,
      requires_shipping: true,
    };
  });
  return {
    id: cart.token,
    token: cart.token,
    items,
    item_count: ajax.item_count,
    items_subtotal_price: ajax.total_price,
    original_total_price: ajax.total_price,
    total_price: ajax.total_price,
    total_discount: 0,
    cart_level_discount_applications: [],
    discount_applications: [],
    discount_codes: [],
    attributes: {...cart.attributes},
    note: null,
    currency: {iso_code: currency, symbol: '$'},
    requires_shipping: items.length > 0,
    'empty?': items.length === 0,
    checkout_charge_amount: ajax.total_price,
    duties_included: false,
    taxes_included: false,
  };
}

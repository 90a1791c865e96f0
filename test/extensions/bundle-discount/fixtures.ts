/**
 * Builders for the input of cart.lines.discounts.generate.run in the shape the extension's input query asks for
 * (extensions/bundle-discount/src/cart_lines_discounts_generate_run.graphql; Discount Function API 2026-10:
 * https://shopify.dev/docs/api/functions/latest/discount): GIDs as strings, money as Decimal strings.
 */
import type {RunInput} from '../../../extensions/bundle-discount/src/cart_lines_discounts_generate_run.js';

export interface LineSpec {
  product: number;
  quantity?: number;
  price?: string;
  companions?: number[] | unknown;
  giftCard?: boolean;
  line?: string;
}

export const productGid = (id: number) => `gid://shopify/Product/${id}`;

export function line(spec: LineSpec, index: number): RunInput['cart']['lines'][number] {
  return {
    id: spec.line ?? `gid://shopify/CartLine/${index + 1}`,
    quantity: spec.quantity ?? 1,
    cost: {amountPerQuantity: {amount: spec.price ?? '10.0'}},
    merchandise: {
      __typename: 'ProductVariant',
      id: `gid://shopify/ProductVariant/${spec.product}0`,
      product: {
        id: productGid(spec.product),
        isGiftCard: spec.giftCard ?? false,
        companions: spec.companions === undefined ? null : {jsonValue: Array.isArray(spec.companions) ? spec.companions.map((c) => (typeof c === 'number' ? productGid(c) : c)) : spec.companions},
      },
    },
  };
}

export const config = (over: Record<string, unknown> = {}) => ({percentage: 10, scope: 'companions', minimumItems: 2, message: 'Bought together: 10% off', ...over});

/** Stands for a discount without the configuration metafield. */
export const NO_METAFIELD = Symbol('no metafield');

export function runInput(lines: LineSpec[], configuration: unknown = config(), discountClasses = ['PRODUCT']): RunInput {
  return {
    cart: {lines: lines.map(line)},
    discount: {discountClasses, metafield: configuration === NO_METAFIELD ? null : {jsonValue: configuration}},
  };
}

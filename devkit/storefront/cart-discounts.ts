/**
 * Runs the app's Discount Function on the preview cart, as Shopify does on every cart change, and turns its
 * percentage into money with the one rounding rule the product block also shows (bundle-saving.js).
 * The function gets the input its query asks for (extensions/bundle-discount/src/cart_lines_discounts_generate_run.graphql):
 * each line's product with its published `$app.recommendations` companions and the discount's configuration
 * metafield, in the Discount Function API 2026-10 shape (https://shopify.dev/docs/api/functions/latest/discount).
 */
import {savingCents} from '../../extensions/bundle-discount/src/bundle-saving.js';
import {cartLinesDiscountsGenerateRun} from '../../extensions/bundle-discount/src/index.js';
import type {RunInput} from '../../extensions/bundle-discount/src/cart_lines_discounts_generate_run.js';
import type {Catalog} from './catalog';

/** An automatic app discount as the shop holds it (the stand-in's `appDiscounts(shop)` gives these). */
export interface StorefrontDiscount {
  id: number;
  title: string;
  status: 'ACTIVE' | 'SCHEDULED' | 'EXPIRED';
  functionHandle: string;
  discountClasses: string[];
  combinesWith: {productDiscounts: boolean};
  /** The `$app.function-configuration` metafield's JSON, undefined when absent. */
  configuration: unknown;
}

export interface PricedLine {
  productId: number;
  quantity: number;
  /** Unit price in cents. */
  price: number;
}

export interface DiscountApplication {
  discountId: number;
  title: string;
  /** The message the function gave its candidate, which Shopify shows the buyer. */
  message: string;
  percentage: number;
}

export interface LineAllocation {
  /** Index into `applications`. */
  application: number;
  /** Cents. */
  amount: number;
}

export interface CartDiscounts {
  applications: DiscountApplication[];
  /** Per cart line (same order), its allocations. */
  lines: LineAllocation[][];
}

const FUNCTION_HANDLE = 'pairwise-bundle-discount';

/**
 * The discounts on a cart: each active discount of the app's function runs on the lines; a line keeps one product
 * discount unless every discount on it combines with product discounts (Shopify's combination rule:
 * https://help.shopify.com/manual/discounts/combining-discounts/discount-combinations).
 */
export function discountCart(lines: PricedLine[], catalog: Catalog, discounts: StorefrontDiscount[]): CartDiscounts {
  const result: CartDiscounts = {applications: [], lines: lines.map(() => [])};
  const eligible = discounts.filter((d) => d.status === 'ACTIVE' && d.functionHandle === FUNCTION_HANDLE);
  if (!eligible.length || !lines.length) return result;
  for (const discount of eligible) {
    const output = cartLinesDiscountsGenerateRun(functionInput(lines, catalog, discount));
    for (const op of output.operations) {
      for (const candidate of op.productDiscountsAdd.candidates) {
        const application = result.applications.push({discountId: discount.id, title: discount.title, message: candidate.message, percentage: Number(candidate.value.percentage.value)}) - 1;
        for (const {cartLine} of candidate.targets) {
          const index = Number(cartLine.id.slice(cartLine.id.lastIndexOf('/') + 1));
          const line = lines[index];
          const held = result.lines[index];
          if (!line || (held.length && !(discount.combinesWith.productDiscounts && held.every((a) => eligible.find((d) => d.id === result.applications[a.application].discountId)?.combinesWith.productDiscounts)))) continue;
          const amount = savingCents(line.price, cartLine.quantity ?? line.quantity, result.applications[application].percentage);
          if (amount > 0) held.push({application, amount});
        }
      }
    }
  }
  return result;
}

function functionInput(lines: PricedLine[], catalog: Catalog, discount: StorefrontDiscount): RunInput {
  return {
    cart: {
      lines: lines.map((l, i) => {
        const product = catalog.byId.get(l.productId);
        return {
          id: `gid://shopify/CartLine/${i}`,
          quantity: l.quantity,
          cost: {amountPerQuantity: {amount: (l.price / 100).toString()}},
          merchandise: {
            __typename: 'ProductVariant',
            id: `gid://shopify/ProductVariant/${product?.variantId ?? l.productId * 10 + 1}`,
            product: {
              id: `gid://shopify/Product/${l.productId}`,
              isGiftCard: product?.giftCard ?? false,
              companions: {jsonValue: catalog.recommendationsFor(l.productId).map((id) => `gid://shopify/Product/${id}`)},
            },
          },
        };
      }),
    },
    discount: {
      discountClasses: discount.discountClasses,
      metafield: discount.configuration === undefined ? null : {jsonValue: discount.configuration},
    },
  };
}

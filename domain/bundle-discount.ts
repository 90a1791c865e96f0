import {z} from 'zod';

/**
 * The merchant's bundle discount ([N]): what the Settings card edits and the server turns into one automatic app
 * discount on Shopify. The bounds are the function's own (extensions/bundle-discount/src/config.js reads a
 * configuration outside them as none); test/domain/bundle-discount.test.ts holds the two together.
 */
export const bundleDiscountSchema = z.object({
  enabled: z.boolean(),
  percentage: z.number().int('a whole number').min(1, 'at least 1%').max(50, 'at most 50%'),
  /** `companions`: the percentage off the companions only; `bundle`: off every product of the bundle. */
  scope: z.enum(['companions', 'bundle']),
  /** Distinct products, the anchor included, a cart needs before the discount applies. */
  minimumItems: z.number().int('a whole number').min(2, 'at least 2').max(10, 'at most 10'),
  /** What shoppers see beside the discount in the cart and at checkout. */
  message: z.string().trim().min(1, 'required').max(255, 'at most 255 characters'),
  /** Which other discount classes it stacks with (Shopify's combinesWith). */
  combinesWith: z.object({orderDiscounts: z.boolean(), productDiscounts: z.boolean(), shippingDiscounts: z.boolean()}).strict(),
}).strict();

export type BundleDiscountSettings = z.infer<typeof bundleDiscountSchema>;

export const DEFAULT_BUNDLE_DISCOUNT: BundleDiscountSettings = {
  enabled: false,
  percentage: 10,
  scope: 'companions',
  minimumItems: 2,
  message: 'Bought together: 10% off',
  combinesWith: {orderDiscounts: true, productDiscounts: false, shippingDiscounts: true},
};

/**
 * The discount as Shopify reports it now: `none` (never created), `active`, `scheduled`, `expired` (turned off), or
 * `deleted` (the merchant deleted it on Shopify's Discounts page: saving recreates it).
 */
export type BundleDiscountStatus = 'none' | 'active' | 'scheduled' | 'expired' | 'deleted';

export interface BundleDiscountView {
  settings: BundleDiscountSettings;
  status: BundleDiscountStatus;
  /** gid://shopify/DiscountAutomaticNode/<id>, exactly as Shopify gave it; null before the first save. */
  discountId: string | null;
}

/**
 * The title Pairwise gives its automatic app discount on every save (server/discounts/bundle-discount.ts). An
 * order names the discounts it received only by their application: type `automatic` and this title (the REST
 * order's `discount_applications`, https://shopify.dev/docs/api/admin-rest/latest/resources/order; GraphQL's
 * AutomaticDiscountApplication has `title` and `index`, no discount id:
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/AutomaticDiscountApplication). So the title is how an
 * order's discount is known to be ours.
 */
export const BUNDLE_DISCOUNT_TITLE = 'Pairwise: buy together and save';

/** An order's discount application as both order sources give it: automatic or not, and its title. */
export interface OrderDiscountApplication {
  automatic: boolean;
  title: string | null;
}

/** One of a line's discount allocations: the money taken off the whole line, and which application gave it. */
export interface LineDiscountAllocation {
  amount: number;
  application: OrderDiscountApplication | undefined;
}

/**
 * What the bundle discount took off an order line, counted on the units the line still holds: Shopify allocates
 * the discount on the quantity ordered, and a refund of discounted units gives back their discounted price, so
 * the discount on refunded units cost the shop nothing. Rounded to the cent.
 */
export function bundleDiscountOnLine(allocations: LineDiscountAllocation[], ordered: number, remaining: number): number {
  const ours = allocations.filter((a) => a.application?.automatic && a.application.title === BUNDLE_DISCOUNT_TITLE).reduce((sum, a) => sum + a.amount, 0);
  if (ours <= 0 || ordered <= 0) return 0;
  return Math.round((ours * Math.min(remaining, ordered) * 100) / ordered) / 100;
}

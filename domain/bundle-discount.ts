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

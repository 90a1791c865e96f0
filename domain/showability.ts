/** Why a shopper may not see a product at all (server/recommend/companions.ts `unshowableReason` decides). */
export type UnshowableReason =
  | 'product_excluded'
  | 'unavailable'
  | 'excluded_tag'
  | 'excluded_type'
  | 'excluded_vendor'
  | 'over_price_cap';

/** Why a candidate is not in the block; null when it is shown. */
export type HiddenReason = UnshowableReason | 'pair_excluded' | 'low_confidence' | 'low_lift' | 'over_limit' | null;

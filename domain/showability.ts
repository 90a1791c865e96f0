/** Why a candidate is not in the block; null when it is shown. */
export type HiddenReason =
  | 'pair_excluded'
  | 'product_excluded'
  | 'unavailable'
  | 'excluded_tag'
  | 'excluded_type'
  | 'excluded_vendor'
  | 'low_confidence'
  | 'low_lift'
  | 'over_limit'
  | null;

import type {Settings} from '../../domain/settings';
import type {UnshowableReason} from '../../domain/showability';

import type {Candidate, CartWeight} from '../../domain/model';

export type {Candidate};

/** What decides whether a product may be shown to a shopper (the admin's catalogue rows carry it too). */
export interface ProductFacts {
  status: string;
  available: boolean;
  price: number | null;
  giftCard: boolean;
  tags: readonly string[];
  productType: string;
  vendor: string;
}

/** A product as the storefront selection reads it. */
export interface ShowableProduct extends ProductFacts {
  id: number;
  handle: string;
}

export interface CompanionSources {
  candidates(anchorId: number): readonly Candidate[];
  /** The cart model's weights a product gives others when it is in the cart; none when the version has no cart model. */
  cartWeights?(productId: number): readonly CartWeight[];
  product(id: number): ShowableProduct | undefined;
  pins(anchorId: number): number[];
  pairExcluded(anchorId: number): number[];
  productExcluded(id: number): boolean;
  settings: Settings;
}

export interface Companion {
  id: number;
  handle: string;
  score: number;
  pinned: boolean;
}

/** What a product is checked against: the merchant's settings and exclusions, and the cart upsell's price cap. */
export interface ShowRules {
  settings: Settings;
  excluded: (id: number) => boolean;
  /** The most a companion may cost (the cart upsell's cap); none for the product block. */
  maxPrice?: number;
}

/**
 * The one rule for what a shopper may see, used by the app proxy, the metafield publisher and the admin
 * preview alike: the first reason product `id` may not be shown, or null when it may. Never shown: excluded
 * by the merchant, sold out, not active (draft, archived, deleted), gift cards, free items, an excluded type,
 * vendor or tag, and in the cart upsell anything dearer than the cap.
 */
export function unshowableReason(id: number, p: ProductFacts | undefined, rules: ShowRules): UnshowableReason | null {
  const {settings} = rules;
  if (rules.excluded(id)) return 'product_excluded';
  if (!isForSale(p)) return 'unavailable';
  if (settings.excludeTypes.includes(p.productType)) return 'excluded_type';
  if (settings.excludeVendors.includes(p.vendor)) return 'excluded_vendor';
  if (p.tags.some((t) => settings.excludeTags.includes(t))) return 'excluded_tag';
  if (p.price > (rules.maxPrice ?? Infinity)) return 'over_price_cap';
  return null;
}

/**
 * Whether a shopper can buy the product at all, whatever the merchant's settings: the `unavailable` part of
 * unshowableReason, and what tells the admin's insights which best sellers need a companion.
 */
export function isForSale(p: ProductFacts | undefined): p is ProductFacts & {price: number} {
  if (!p) return false;
  if (p.status !== 'active') return false; // draft, archived
  if (!p.available) return false; // sold out
  if (p.giftCard) return false;
  return p.price !== null && p.price > 0;
}

/** Whether a shopper may see `p`: no reason against it (see unshowableReason). */
export function isShowable<P extends ProductFacts>(id: number, p: P | undefined, rules: ShowRules): p is P {
  return unshowableReason(id, p, rules) === null;
}

/**
 * The cart model's score of every product the cart's products give a weight to: the sum of those weights
 * (contracts, protocol B). Null when the model has no cart weights for any of them, and the upsell falls back
 * to the per-product lists merged by best score.
 */
function cartScores(src: CompanionSources, cart: number[]): Map<number, number> | null {
  if (!src.cartWeights) return null;
  const scores = new Map<number, number>();
  for (const productId of new Set(cart)) for (const w of src.cartWeights(productId)) scores.set(w.id, (scores.get(w.id) ?? 0) + w.weight);
  return scores.size > 0 ? scores : null;
}

/**
 * The companions shoppers see for one or more anchors (one for the product block, the cart's items for the
 * upsell): the merchant's pins first, then the model's list filtered by the thresholds, best first, merged
 * across anchors by best score, without the anchors themselves or anything in `exclude` (the cart). The cart
 * upsell ranks by the cart model's summed weights instead when the version has one (its own gate stands in for
 * the pair thresholds, which describe single pairs). The upsell's price cap applies to the model's companions;
 * a pin is the merchant's own choice and is not capped.
 */
export function selectCompanions(
  src: CompanionSources,
  anchorIds: number[],
  opts: {limit: number; exclude?: ReadonlySet<number>; block: 'fbt' | 'cart'},
): Companion[] {
  const {settings} = src;
  const taken = new Set<number>([...anchorIds, ...(opts.exclude ?? [])]);
  const rules: ShowRules = {settings, excluded: (id) => src.productExcluded(id)};
  const pinned: Companion[] = [];
  const best = new Map<number, Companion>();

  const cart = opts.block === 'cart' ? cartScores(src, anchorIds) : null;
  for (const anchorId of anchorIds) {
    const anchor = src.product(anchorId);
    const blocked = new Set(src.pairExcluded(anchorId));
    const maxPrice = opts.block === 'cart' && anchor?.price ? anchor.price * settings.upsellPriceRatio : Infinity;
    const capped: ShowRules = {...rules, maxPrice};
    for (const id of src.pins(anchorId)) {
      const p = src.product(id);
      if (taken.has(id) || blocked.has(id) || !isShowable(id, p, rules)) continue;
      taken.add(id);
      pinned.push({id, handle: p.handle, score: 1, pinned: true});
    }
    if (cart) continue; // the cart model scores the whole cart at once, below
    for (const c of src.candidates(anchorId)) {
      if (taken.has(c.id) || blocked.has(c.id)) continue;
      if (c.confidence < settings.minConfidence || c.lift < settings.minLift) continue;
      const p = src.product(c.id);
      if (!isShowable(c.id, p, capped)) continue;
      const seen = best.get(c.id);
      if (!seen || seen.score < c.score) best.set(c.id, {id: c.id, handle: p.handle, score: c.score, pinned: false});
    }
  }
  if (cart) {
    // A companion excluded with any cart product stays out; the price cap is the dearest cart product's.
    const blocked = new Set(anchorIds.flatMap((id) => src.pairExcluded(id)));
    const dearest = Math.max(0, ...anchorIds.map((id) => src.product(id)?.price ?? 0));
    const capped: ShowRules = {...rules, maxPrice: dearest > 0 ? dearest * settings.upsellPriceRatio : Infinity};
    for (const [id, score] of cart) {
      if (score <= 0 || taken.has(id) || blocked.has(id)) continue;
      const p = src.product(id);
      if (isShowable(id, p, capped)) best.set(id, {id, handle: p.handle, score, pinned: false});
    }
  }
  const ranked = [...best.values()].filter((c) => !taken.has(c.id)).sort((a, b) => b.score - a.score || a.id - b.id);
  return [...pinned, ...ranked].slice(0, opts.limit);
}

import type {Settings} from '../../domain/settings';

/** A companion the model proposes for an anchor product, with what the thresholds need. */
export interface Candidate {
  id: number;
  score: number;
  confidence: number;
  lift: number;
}

/** What decides whether a product may be shown to a shopper. */
export interface ShowableProduct {
  id: number;
  handle: string;
  status: string;
  available: boolean;
  price: number | null;
  giftCard: boolean;
  tags: string;
  productType: string;
  vendor: string;
}

export interface CompanionSources {
  candidates(anchorId: number): readonly Candidate[];
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

/** Never shown: sold out, not active (draft, archived, deleted), gift cards, free items, excluded by the merchant. */
export function isShowable(p: ShowableProduct | undefined, settings: Settings, excluded: (id: number) => boolean): p is ShowableProduct {
  if (!p || p.status !== 'active' || !p.available || p.giftCard || !(p.price !== null && p.price > 0)) return false;
  if (excluded(p.id)) return false;
  if (settings.excludeTypes.includes(p.productType) || settings.excludeVendors.includes(p.vendor)) return false;
  if (settings.excludeTags.length) {
    const tags = p.tags.split(',').map((t) => t.trim());
    if (settings.excludeTags.some((t) => tags.includes(t))) return false;
  }
  return true;
}

/**
 * The companions shoppers see for one or more anchors (one for the product block, the cart's items for the
 * upsell): the merchant's pins first, then the model's list filtered by the thresholds, best first, merged
 * across anchors by best score, without the anchors themselves or anything in `exclude` (the cart).
 */
export function selectCompanions(
  src: CompanionSources,
  anchorIds: number[],
  opts: {limit: number; exclude?: ReadonlySet<number>; block: 'fbt' | 'cart'},
): Companion[] {
  const {settings} = src;
  const taken = new Set<number>([...anchorIds, ...(opts.exclude ?? [])]);
  const excluded = (id: number) => src.productExcluded(id);
  const pinned: Companion[] = [];
  const best = new Map<number, Companion>();

  for (const anchorId of anchorIds) {
    const anchor = src.product(anchorId);
    const blocked = new Set(src.pairExcluded(anchorId));
    const maxPrice = opts.block === 'cart' && anchor?.price ? anchor.price * settings.upsellPriceRatio : Infinity;
    for (const id of src.pins(anchorId)) {
      const p = src.product(id);
      if (taken.has(id) || blocked.has(id) || !isShowable(p, settings, excluded)) continue;
      taken.add(id);
      pinned.push({id, handle: p.handle, score: 1, pinned: true});
    }
    for (const c of src.candidates(anchorId)) {
      if (taken.has(c.id) || blocked.has(c.id)) continue;
      if (c.confidence < settings.minConfidence || c.lift < settings.minLift) continue;
      const p = src.product(c.id);
      if (!isShowable(p, settings, excluded) || (p.price ?? 0) > maxPrice) continue;
      const seen = best.get(c.id);
      if (!seen || seen.score < c.score) best.set(c.id, {id: c.id, handle: p.handle, score: c.score, pinned: false});
    }
  }
  const ranked = [...best.values()].filter((c) => !taken.has(c.id)).sort((a, b) => b.score - a.score || a.id - b.id);
  return [...pinned, ...ranked].slice(0, opts.limit);
}

import type {CatalogProduct} from '../../../storage/repos/catalog';
import type {RankedCompanion} from '../../../domain/model';
import type {Settings} from '../../../domain/settings';
import {unshowableReason} from '../../recommend/companions';
import type {Companion} from '../../recommend/companions';
import type {HiddenReason} from '../../../domain/showability';

export type {HiddenReason};

export interface PreviewItem {
  companionId: number;
  pinned: boolean;
  hidden: HiddenReason;
}

export interface Curation {
  pins: number[];
  pairExclusions: Set<number>;
  isProductExcluded(productId: number): boolean;
}

/**
 * Every candidate for a product's block (pins, then the model's ranking), each with the reason it is hidden,
 * so the merchant sees why a pair they expected is missing. What is shown is `shown`, the storefront's own
 * selection (recommend/companions.ts), so the admin never disagrees with the shop; the reasons only explain
 * the rest, checked in the storefront's order and with its own rule (`unshowableReason`).
 */
export function explainBlock(
  ranked: RankedCompanion[],
  curation: Curation,
  products: Map<number, CatalogProduct>,
  settings: Settings,
  shown: Companion[],
): PreviewItem[] {
  const shownIds = new Set(shown.map((c) => c.id));
  const stats = new Map(ranked.map((c) => [c.companionId, c]));
  const order = [...curation.pins, ...ranked.map((c) => c.companionId).filter((id) => !curation.pins.includes(id))];
  return order.map((companionId) => {
    const pinned = curation.pins.includes(companionId);
    if (shownIds.has(companionId)) return {companionId, pinned, hidden: null};
    const s = stats.get(companionId);
    const hidden: HiddenReason = curation.pairExclusions.has(companionId)
      ? 'pair_excluded'
      : unshowableReason(companionId, products.get(companionId), {settings, excluded: curation.isProductExcluded})
        ?? (!pinned && s && s.confidence < settings.minConfidence ? 'low_confidence' : null)
        ?? (!pinned && s && s.lift < settings.minLift ? 'low_lift' : null)
        ?? 'over_limit';
    return {companionId, pinned, hidden};
  });
}

import type {TopPair} from './model';

// What the admin's Insights page shows of a model version. Worked out when the version is published
// (storage/repos/model-insights.ts), so opening the page is a few reads by key at any catalogue size ([T]).

/** The communities shown, most purchased first: a 50k-product shop has thousands, a page shows a few. */
export const COMMUNITIES_SHOWN = 20;
/** A community is named from its most ordered members, not every one of them (a community can hold thousands). */
export const NAMED_FROM = 24;
export const SHOWN_PER_COMMUNITY = 8;
export const TOP_PAIRS = 20;
/** A lift from fewer orders is noise. */
export const MIN_PAIR_COUNT = 3;

/** What a community's name is made of: each member's product type and tags. */
export interface NamedMember {
  productType: string;
  tags: string[];
}

/** The most common value and its share among the members, ignoring empty values. */
function mostCommon(values: string[], members: number): {value: string; share: number} | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: [string, number] | null = null;
  for (const entry of counts) if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
  return best && {value: best[0], share: best[1] / members};
}

/**
 * A community's name from what its products share: the product type most of them have, and the tag most of
 * them carry. Null when they share neither (the page then names it by its best seller).
 */
export function communityName(products: NamedMember[]): string | null {
  if (!products.length) return null;
  const type = mostCommon(products.map((p) => p.productType), products.length);
  const tag = mostCommon(products.flatMap((p) => p.tags), products.length);
  const parts = [type && type.share >= 0.5 ? type.value : null, tag && tag.share >= 0.5 ? tag.value : null].filter(
    (p): p is string => p !== null,
  );
  const unique = [...new Set(parts.map((p) => p.toLowerCase()))].map((l) => parts.find((p) => p.toLowerCase() === l)!);
  return unique.length ? unique.join(' · ') : null;
}

/** Strongest first: lift, then the orders behind it, then ids (a stable order for equal pairs). */
export const byStrength = (a: TopPair, b: TopPair) =>
  b.lift - a.lift || b.count - a.count || a.productId - b.productId || a.companionId - b.companionId;

/**
 * The TOP_PAIRS strongest pairs seen in MIN_PAIR_COUNT+ orders, each unordered pair once (both directions are
 * published), fed one published pair at a time: holds 2 x TOP_PAIRS rows whatever the model's size, which is
 * enough, since the rows stronger than the last shown pair's belong to at most TOP_PAIRS - 1 other pairs.
 */
export function strongestPairs(): {add(pair: TopPair): void; result(): TopPair[]} {
  const kept: TopPair[] = [];
  const keep = 2 * TOP_PAIRS;
  return {
    add(p) {
      if (p.count < MIN_PAIR_COUNT) return;
      if (kept.length === keep && byStrength(p, kept[keep - 1]) >= 0) return;
      const at = kept.findIndex((q) => byStrength(p, q) < 0);
      kept.splice(at === -1 ? kept.length : at, 0, p);
      kept.length = Math.min(kept.length, keep);
    },
    result() {
      const seen = new Set<string>();
      return kept
        .filter((p) => {
          const key = p.productId < p.companionId ? `${p.productId}-${p.companionId}` : `${p.companionId}-${p.productId}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
        .slice(0, TOP_PAIRS);
    },
  };
}

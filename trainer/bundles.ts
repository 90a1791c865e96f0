import type {Baskets} from './load';

/**
 * Frequent bundles of 3+ products mined with FP-Growth (Han et al. 2000): one pass builds a prefix tree of
 * the baskets, frequent sets grow from conditional trees, never by enumerating candidates. A set is kept as a
 * bundle only when every member lifts the rest (P(S) > P(x) P(S \ x) by `minLift`), so a best seller riding
 * along with any pair is not a bundle.
 */

export type Bundle = {items: number[]; count: number; support: number; lift: number};

export type BundleOptions = {
  /** Minimum orders holding the whole set. */
  minCount?: number;
  /** Largest set mined. */
  maxSize?: number;
  /** Every member's lift with the rest must reach this. */
  minLift?: number;
  /** Most bundles returned, best (lift x count) first. */
  limit?: number;
  /** Stop mining after this many frequent sets (a guard on huge, dense stores). */
  maxSets?: number;
  /** Orders with more products are left out: a wholesale order of 300 lines says little about bundles and explodes the tree. */
  maxBasketSize?: number;
};

type FpNode = {item: number; count: number; parent: FpNode | null; children: Map<number, FpNode>; next: FpNode | null};

type Tree = {root: FpNode; heads: Map<number, FpNode>; counts: Map<number, number>};

function buildTree(paths: {items: number[]; count: number}[], minCount: number): Tree {
  const counts = new Map<number, number>();
  for (const p of paths) for (const i of p.items) counts.set(i, (counts.get(i) ?? 0) + p.count);
  for (const [i, c] of counts) if (c < minCount) counts.delete(i);
  const root: FpNode = {item: -1, count: 0, parent: null, children: new Map(), next: null};
  const heads = new Map<number, FpNode>();
  for (const p of paths) {
    const items = p.items.filter((i) => counts.has(i)).sort((x, y) => counts.get(y)! - counts.get(x)! || x - y);
    let node = root;
    for (const i of items) {
      let child = node.children.get(i);
      if (!child) {
        child = {item: i, count: 0, parent: node, children: new Map(), next: heads.get(i) ?? null};
        heads.set(i, child);
        node.children.set(i, child);
      }
      child.count += p.count;
      node = child;
    }
  }
  return {root, heads, counts};
}

const key = (items: number[]): string => [...items].sort((x, y) => x - y).join(',');

export function mineBundles(baskets: Baskets, opts: BundleOptions = {}): Bundle[] {
  const n = baskets.count;
  const minCount = opts.minCount ?? Math.max(3, Math.ceil(n * 0.002));
  const maxSize = opts.maxSize ?? 4;
  const minLift = opts.minLift ?? 1;
  const maxSets = opts.maxSets ?? 200_000;
  const paths: {items: number[]; count: number}[] = [];
  const maxBasketSize = opts.maxBasketSize ?? 30;
  for (let b = 0; b < n; b++) {
    if (baskets.offsets[b + 1] - baskets.offsets[b] > maxBasketSize) continue;
    paths.push({items: Array.from(baskets.items.subarray(baskets.offsets[b], baskets.offsets[b + 1])), count: 1});
  }
  const frequent = new Map<string, number>();
  const mine = (tree: Tree, suffix: number[]) => {
    const items = [...tree.counts.keys()].sort((x, y) => tree.counts.get(x)! - tree.counts.get(y)! || y - x);
    for (const item of items) {
      if (frequent.size >= maxSets) return;
      const set = [item, ...suffix];
      frequent.set(key(set), tree.counts.get(item)!);
      if (set.length >= maxSize) continue;
      const base: {items: number[]; count: number}[] = [];
      for (let node = tree.heads.get(item) ?? null; node; node = node.next) {
        const prefix: number[] = [];
        for (let up = node.parent; up && up.item >= 0; up = up.parent) prefix.push(up.item);
        if (prefix.length) base.push({items: prefix, count: node.count});
      }
      if (base.length) mine(buildTree(base, minCount), set);
    }
  };
  mine(buildTree(paths, minCount), []);

  const bundles: Bundle[] = [];
  for (const [k, count] of frequent) {
    const items = k.split(',').map(Number);
    if (items.length < 3) continue;
    let lift = Infinity;
    for (const x of items) {
      const rest = frequent.get(key(items.filter((y) => y !== x)));
      const single = frequent.get(String(x));
      if (!rest || !single) {
        lift = 0;
        break;
      }
      lift = Math.min(lift, (count * n) / (single * rest));
    }
    if (lift >= minLift && lift > 1) bundles.push({items, count, support: count / n, lift});
  }
  bundles.sort((x, y) => y.lift * y.count - x.lift * x.count || y.count - x.count);
  return bundles.slice(0, opts.limit ?? 500);
}

import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import type {Companions} from './companions';
import {seededRandom} from '../domain/random';

/**
 * Groups of products shoppers buy together, for merchant insights: the co-purchase graph of the published
 * pairs weighted by Jaccard, clustered with Louvain. A seeded RNG makes the grouping repeatable.
 */
export type Community = {id: number; items: number[]};

export function findCommunities(companions: Companions, freq: Uint32Array, opts: {seed?: number; minSize?: number; minCount?: number} = {}): Community[] {
  const graph = new Graph({type: 'undirected'});
  const minCount = opts.minCount ?? 2;
  const nItems = companions.offsets.length - 1;
  for (let a = 0; a < nItems; a++) {
    for (let t = companions.offsets[a]; t < companions.offsets[a + 1]; t++) {
      const c = companions.counts[t];
      if (c < minCount) continue;
      const b = companions.items[t];
      const u = String(Math.min(a, b));
      const v = String(Math.max(a, b));
      graph.mergeNode(u);
      graph.mergeNode(v);
      if (!graph.hasEdge(u, v)) graph.addEdge(u, v, {weight: c / (freq[a] + freq[b] - c)});
    }
  }
  if (graph.order === 0) return [];
  const membership = louvain(graph, {getEdgeWeight: 'weight', rng: seededRandom(opts.seed ?? 1)});
  const groups = new Map<number, number[]>();
  for (const [node, community] of Object.entries(membership)) {
    let g = groups.get(community);
    if (!g) groups.set(community, (g = []));
    g.push(Number(node));
  }
  return [...groups.values()]
    .filter((g) => g.length >= (opts.minSize ?? 3))
    .map((g) => g.sort((x, y) => x - y))
    .sort((x, y) => y.length - x.length || x[0] - y[0])
    .map((items, id) => ({id: id + 1, items}));
}

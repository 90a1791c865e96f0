import {describe, expect, it} from 'vitest';
import {rankCompanions, DEFAULT_SCORE} from '../../trainer/score';
import {publishLists} from '../../trainer/companions';
import {findCommunities} from '../../trainer/communities';
import {itemFrequencies} from '../../trainer/load';
import {basketsOf} from './helpers';
import {trainingOrders} from '../../trainer/training-set';

describe('communities', () => {
  it('separates two groups bought apart and is repeatable with a seed', () => {
    const kitchen = ['pan', 'pot', 'lid', 'spoon'];
    const garden = ['hose', 'rake', 'seeds', 'gloves'];
    const orders = Array.from({length: 80}, (_, i) => {
      const g = i % 2 ? kitchen : garden;
      return [g[i % 4], g[(i + 1) % 4], g[(i + 2) % 4]];
    });
    const baskets = basketsOf(orders);
    const freq = itemFrequencies(baskets);
    const companions = publishLists(rankCompanions(trainingOrders(baskets), {...DEFAULT_SCORE, popularCandidates: 0}, 5), [], () => true, 5);
    const groups = findCommunities(companions, freq, {seed: 4}).map((c) => c.items.map((i) => baskets.itemIds[i]).sort());
    expect(groups.sort()).toEqual([[...garden].sort(), [...kitchen].sort()].sort());
    expect(findCommunities(companions, freq, {seed: 4})).toEqual(findCommunities(companions, freq, {seed: 4}));
  });
});

import {describe, expect, it} from 'vitest';
import {mineBundles} from '../../trainer/bundles';
import {basketsOf} from './helpers';

describe('bundles (FP-Growth)', () => {
  // pen+ink+paper bought together 20 times; milk in half of every kind of order, independent of the rest.
  const withMilkInHalf = (items: string[], i: number) => (i % 2 ? [...items, 'milk'] : items);
  const orders = [
    ...Array.from({length: 20}, (_, i) => withMilkInHalf(['pen', 'ink', 'paper'], i)),
    ...Array.from({length: 20}, (_, i) => withMilkInHalf(i % 4 < 2 ? ['pen'] : ['paper'], i)),
    ...Array.from({length: 60}, (_, i) => withMilkInHalf([`other${i % 10}`, `more${i % 7}`], i)),
  ];
  const baskets = basketsOf(orders);
  const names = (items: number[]) => items.map((i) => baskets.itemIds[i]).sort();

  it('finds the set bought together, with its count, support and lift', () => {
    const bundles = mineBundles(baskets, {minCount: 5, maxSize: 3});
    const top = bundles.find((b) => names(b.items).join() === 'ink,paper,pen')!;
    expect(top).toBeDefined();
    expect(top.count).toBe(20);
    expect(top.support).toBeCloseTo(0.2, 10);
    expect(top.lift).toBeGreaterThan(1);
  });

  it('drops sets where a member does not lift the rest (milk is in half of all orders, whatever else they hold)', () => {
    const bundles = mineBundles(baskets, {minCount: 5, maxSize: 4, minLift: 1.05});
    expect(bundles.some((b) => names(b.items).includes('milk'))).toBe(false);
  });

  it.each([
    [{minCount: 25}, 0],
    [{minCount: 5, maxSize: 2}, 0],
  ])('respects %o', (opts, expected) => {
    expect(mineBundles(baskets, opts).length).toBe(expected);
  });
});

import {describe, expect, it} from 'vitest';
import {blockBudgets} from '../../../devkit/storefront/budget';

describe('asset budgets', () => {
  const budgets = blockBudgets();

  it('covers every block', () => {
    expect(budgets.map((b) => b.block).sort()).toEqual(['cart-upsell', 'cart-upsell-embed', 'frequently-bought-together']);
  });

  // 6 KB since [P]: reading consent the documented way (pairwise-consent.js, about 1 KB gzipped, loaded by every
  // block) took the blocks from 4.8 KB to 5.6 KB; nothing else in them grew.
  it.each(budgets.map((b) => [b.block, b] as const))('%s loads at most 6 KB of gzipped JavaScript and a small stylesheet', (_block, budget) => {
    expect(budget.js.length).toBeGreaterThan(0);
    expect(budget.jsGzipBytes).toBeLessThanOrEqual(6 * 1024);
    expect(budget.cssGzipBytes).toBeGreaterThan(0);
    expect(budget.cssGzipBytes).toBeLessThanOrEqual(2 * 1024);
  });
});

import {describe, expect, it} from 'vitest';
import {blockBudgets} from '../../../devkit/storefront/budget';

describe('asset budgets', () => {
  const budgets = blockBudgets();

  it('covers every block', () => {
    expect(budgets.map((b) => b.block).sort()).toEqual(['cart-upsell', 'cart-upsell-embed', 'frequently-bought-together']);
  });

  it.each(budgets.map((b) => [b.block, b] as const))('%s loads at most 5 KB of gzipped JavaScript and a small stylesheet', (_block, budget) => {
    expect(budget.js.length).toBeGreaterThan(0);
    expect(budget.jsGzipBytes).toBeLessThanOrEqual(5 * 1024);
    expect(budget.cssGzipBytes).toBeGreaterThan(0);
    expect(budget.cssGzipBytes).toBeLessThanOrEqual(2 * 1024);
  });
});

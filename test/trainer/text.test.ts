import {describe, expect, it} from 'vitest';
import {NO_NEIGHBOUR, textNeighbours, type ProductText} from '../../trainer/text';

const catalogue: ProductText[] = [
  {index: 0, title: 'White ceramic coffee mug', product_type: 'Mug', vendor: 'Clayworks', tags: 'kitchen, coffee'},
  {index: 1, title: 'Black ceramic coffee mugs (set of 2)', product_type: 'Mug', vendor: 'Clayworks', tags: 'kitchen'},
  {index: 2, title: 'Espresso cup', product_type: 'Cup', vendor: 'Clayworks', tags: 'coffee'},
  {index: 3, title: 'Wool beanie hat', product_type: 'Hat', vendor: 'Northknit', tags: 'winter'},
  {index: 4, title: 'Knitted wool scarf', product_type: 'Scarf', vendor: 'Northknit', tags: 'winter'},
  {index: 5, title: 'Cotton tote bag', product_type: 'Bag', vendor: 'Canvas & Co', description: '<p>A sturdy <b>tote</b> for the market.</p>'},
  {index: 6, title: 'Crème brûlée torch', product_type: 'Kitchen tool', vendor: 'Chefline'},
  {index: 7, title: 'Creme brulee ramekins', product_type: 'Bakeware', vendor: 'Chefline'},
];

function row(result: ReturnType<typeof textNeighbours>, index: number): number[] {
  return [...result.neighbours.subarray(index * result.k, (index + 1) * result.k)].filter((n) => n !== NO_NEIGHBOUR);
}

describe('textNeighbours', () => {
  const result = textNeighbours(catalogue, {k: 3});

  it.each([
    ['a mug finds the other mug (plural, same type and vendor)', 0, 1],
    ['the plural mug finds the singular one', 1, 0],
    ['a hat finds the scarf of the same vendor and tag', 3, 4],
    ['accents are folded: brûlée matches brulee', 6, 7],
  ])('%s', (_case, index, expected) => {
    expect(row(result, index)[0]).toBe(expected);
  });

  it.each([
    ['mugs never point at winter wear', 0, [3, 4]],
    ['a product is never its own neighbour', 2, [2]],
  ])('%s', (_case, index, forbidden) => {
    for (const f of forbidden) expect(row(result, index)).not.toContain(f);
  });

  it('does not treat HTML markup in descriptions as words', () => {
    const markup = textNeighbours(
      [
        {index: 0, title: 'Alpha', description: '<p><b>Qwerty</b></p>'},
        {index: 1, title: 'Zulu', description: '<p><b>Uiop</b></p>'},
      ],
      {k: 1},
    );
    expect([...markup.neighbours]).toEqual([NO_NEIGHBOUR, NO_NEIGHBOUR]);
  });

  it('sorts neighbours best first with similarities in (0, 1]', () => {
    for (let i = 0; i < catalogue.length; i++) {
      const sims = [...result.sims.subarray(i * 3, i * 3 + row(result, i).length)];
      expect(sims).toEqual([...sims].sort((a, b) => b - a));
      for (const s of sims) expect(s).toBeGreaterThan(0);
      for (const s of sims) expect(s).toBeLessThanOrEqual(1);
    }
  });

  it('pads rows with fewer than k neighbours and rows with no product', () => {
    const sparse = textNeighbours(
      [
        {index: 1, title: 'Linen napkin'},
        {index: 4, title: 'Linen tablecloth'},
        {index: 6, title: 'Bicycle pump'},
      ],
      {k: 2},
    );
    expect(sparse.neighbours.length).toBe(7 * 2);
    expect([...sparse.neighbours.subarray(2, 4)]).toEqual([4, NO_NEIGHBOUR]);
    expect([...sparse.neighbours.subarray(0, 2)]).toEqual([NO_NEIGHBOUR, NO_NEIGHBOUR]);
    expect([...sparse.neighbours.subarray(12, 14)]).toEqual([NO_NEIGHBOUR, NO_NEIGHBOUR]);
    expect(sparse.sims[3]).toBe(0);
  });

  it('gives identical text a similarity of 1 and does not depend on input order', () => {
    const twins = [
      {index: 0, title: 'Oak side table', vendor: 'Woodco'},
      {index: 1, title: 'Oak side table', vendor: 'Woodco'},
      {index: 2, title: 'Oak bench', vendor: 'Woodco'},
    ];
    const forward = textNeighbours(twins, {k: 2});
    const backward = textNeighbours([...twins].reverse(), {k: 2});
    expect(forward.sims[0]).toBeCloseTo(1, 5);
    expect([...forward.neighbours]).toEqual([...backward.neighbours]);
    expect([...forward.sims]).toEqual([...backward.sims]);
  });

  it('handles an empty catalogue', () => {
    const empty = textNeighbours([], {k: 5});
    expect(empty.neighbours.length).toBe(0);
  });

  it('stays sparse on a large synthetic catalogue', () => {
    const colours = ['red', 'blue', 'green', 'black', 'white', 'grey', 'pink', 'navy'];
    const kinds = ['mug', 'tee', 'hoodie', 'poster', 'sticker', 'candle', 'notebook', 'tote'];
    const products: ProductText[] = Array.from({length: 20_000}, (_, i) => ({
      index: i,
      title: `${colours[i % 8]} ${kinds[Math.floor(i / 8) % 8]} model${Math.floor(i / 64)}`,
      vendor: `vendor${i % 50}`,
    }));
    products.push({index: 20_000, title: 'Red mug'});
    const big = textNeighbours(products, {k: 5});
    const first = row(big, 0);
    expect(first.length).toBe(5);
    for (const n of first) expect(products[n].title.startsWith('red mug') || products[n].title.endsWith('model0')).toBe(true);
    // Every word of this title is in thousands of products: it still finds neighbours through them.
    const common = row(big, 20_000);
    expect(common.length).toBe(5);
    for (const n of common) expect(products[n].title).toMatch(/red|mug/);
  });
});

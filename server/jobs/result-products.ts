import type {ModelVersionInput} from '../../storage/repos/model-writer';

export type Stranger = {where: string; id: number};

/**
 * The first product id in a worker's result that is not the shop's, with the file and row that name it, or
 * null when every id is the shop's. DB mode reads only the shop's own file, so its models hold only the
 * shop's products by construction; a result uploaded by a worker is checked to the same end (a result for
 * shop A naming shop B's products would be published as A's model and written to A's metafields). Every id
 * field of every file is walked in file order; each distinct id is looked up once.
 */
export function firstStranger(input: Omit<ModelVersionInput, 'runId'>, isShops: (id: number) => boolean): Stranger | null {
  const answers = new Map<number, boolean>();
  const shops = (id: number) => {
    let known = answers.get(id);
    if (known === undefined) answers.set(id, (known = isShops(id)));
    return known;
  };
  // Row numbers are the files' own (the header is row 1).
  const walk = <T,>(file: string, rows: Iterable<T>, ids: (r: T) => number[]): Stranger | null => {
    let row = 1;
    for (const r of rows) {
      row++;
      for (const id of ids(r)) if (!shops(id)) return {where: `${file} row ${row}`, id};
    }
    return null;
  };
  return (
    walk('pairs.csv', input.pairs, (p) => [p.productId, p.companionId]) ??
    walk('bundles.csv', input.bundles, (b) => b.productIds) ??
    walk('cart.csv', input.cart ?? [], (c) => [c.productId, c.companionId]) ??
    walk('product_orders.csv', input.productOrders ?? [], (p) => [p.productId]) ??
    walk('communities', input.communities, (c) => c.productIds)
  );
}

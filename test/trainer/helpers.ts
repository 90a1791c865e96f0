import {BasketBuilder} from '../../trainer/load';
import type {Baskets} from '../../trainer/load';
import {seededRandom} from '../../domain/random';

/** Baskets from arrays of product ids, one order per array, an hour apart. */
export function basketsOf(orders: string[][]): Baskets {
  const builder = new BasketBuilder();
  orders.forEach((items, o) => {
    const order = builder.order(`o${o}`, Date.UTC(2024, 0, 1) + o * 3_600_000);
    for (const id of items) builder.line(order, builder.item(id));
  });
  return builder.build();
}

/** Seeded random baskets over `products` items with a skewed (roughly Zipf) popularity. */
export function randomBaskets(seed: number, orders: number, products: number, maxSize: number): string[][] {
  const rand = seededRandom(seed);
  return Array.from({length: orders}, () => Array.from({length: 1 + Math.floor(rand() * maxSize)}, () => `p${Math.floor(products * rand() ** 2)}`));
}

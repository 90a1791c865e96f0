import {BasketBuilder} from '../../trainer/load';
import type {Baskets} from '../../trainer/load';

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
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({length: orders}, () => Array.from({length: 1 + Math.floor(rand() * maxSize)}, () => `p${Math.floor(products * rand() ** 2)}`));
}

import {createReadStream} from 'node:fs';
import {pipeline} from 'node:stream/promises';
import {createGunzip} from 'node:zlib';
import {parse} from 'csv-parse';
import {csvField} from '../domain/csv';

/**
 * product_orders.csv: how many orders held each product in the input the trainer read (the admin's order
 * counts; DB mode writes the same from its baskets). The app host streams each order's lines together, so a
 * product is counted once per order by remembering the last order it was seen in. Products of the catalogue
 * nobody ordered are listed with 0.
 */
export async function productOrdersCsv(ordersGz: string, productsGz: string): Promise<string> {
  const counts = new Map<string, number>();
  const lastOrder = new Map<string, string>();
  await pipeline(createReadStream(productsGz), createGunzip(), parse({columns: true}), async (rows: AsyncIterable<{product_id: string}>) => {
    for await (const r of rows) counts.set(r.product_id, 0);
  });
  await pipeline(createReadStream(ordersGz), createGunzip(), parse({columns: true}), async (rows: AsyncIterable<{order_id: string; product_id: string}>) => {
    for await (const r of rows) {
      if (lastOrder.get(r.product_id) === r.order_id) continue;
      lastOrder.set(r.product_id, r.order_id);
      counts.set(r.product_id, (counts.get(r.product_id) ?? 0) + 1);
    }
  });
  const lines = ['product_id,orders'];
  for (const [id, n] of counts) lines.push(`${csvField(id)},${n}`);
  return lines.join('\n') + '\n';
}

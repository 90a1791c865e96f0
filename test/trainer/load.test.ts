import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {parse as parseCsv} from 'csv-parse/sync';
import {describe, expect, it} from 'vitest';
import {loadOrdersCsv, MissingColumnError} from '../../trainer/load';

const dir = mkdtempSync(join(tmpdir(), 'pairwise-load-'));
function csv(name: string, text: string, gzip = false): string {
  const file = join(dir, name);
  writeFileSync(file, gzip ? gzipSync(text) : text);
  return file;
}

const GOOD = `order_id,product_id,quantity,price,created_at,title
2,b,1,2.00,2024-01-02T00:00:00Z,Bee
1,a,1,1.00,2024-01-01T00:00:00Z,"Ay, with a comma"
1,b,2,2.00,2024-01-01T00:00:00Z,Bee
1,a,1,1.00,2024-01-01T00:00:00Z,Ay
2,c,1,3.00,2024-01-02T00:00:00Z,See
`;

describe('loading orders', () => {
  it.each([
    ['plain', false],
    ['gzip', true],
  ])('reads %s CSV into time-ordered baskets of distinct products', async (_name, gzip) => {
    const {baskets, badRowCount} = await loadOrdersCsv(csv(`good-${gzip}.csv${gzip ? '.gz' : ''}`, GOOD, gzip));
    expect(badRowCount).toBe(0);
    expect(baskets.count).toBe(2);
    const ids = (b: number) => Array.from(baskets.items.subarray(baskets.offsets[b], baskets.offsets[b + 1]), (i) => baskets.itemIds[i]);
    expect([ids(0), ids(1)]).toEqual([['a', 'b'], ['b', 'c']]);
    expect(baskets.titles[baskets.itemIds.indexOf('a')]).toBe('Ay, with a comma');
    expect(baskets.timestamps[0]).toBe(Date.UTC(2024, 0, 1));
  });

  it('counts broken rows with their line numbers and keeps going', async () => {
    const file = csv(
      'bad.csv',
      `order_id,product_id,quantity,price,created_at,title
1,a,1,1.00,2024-01-01T00:00:00Z,A
1,b,one,1.00,2024-01-01T00:00:00Z,B
1,c,1,1.00,not a date,C
1,d,1
,e,1,1.00,2024-01-01T00:00:00Z,E
1,"f,1,1.00,2024-01-01T00:00:00Z,F
1,g,1,1.00,2024-01-01T00:00:00Z,G
`,
    );
    const r = await loadOrdersCsv(file);
    expect(r.badRowCount).toBe(5);
    expect(r.badRows.map((b) => b.line)).toEqual([3, 4, 5, 6, 7]);
    expect(r.badRows[0].reason).toContain('quantity');
    expect(r.baskets.itemIds).toEqual(['a', 'g']);
  });

  it.each([
    ['order_id', 'id,product_id\n1,a\n'],
    ['product_id', 'order_id,sku\n1,a\n'],
  ])('a missing %s column is fatal and named', async (column, text) => {
    const file = csv(`missing-${column}.csv`, text);
    await expect(loadOrdersCsv(file)).rejects.toThrow(MissingColumnError);
    await expect(loadOrdersCsv(file)).rejects.toThrow(`"${column}"`);
  });

  it('leaves out cancelled orders, returns and lines without a product', async () => {
    const r = await loadOrdersCsv(
      csv(
        'cancelled.csv',
        `order_id,product_id,quantity,cancelled_at
1,a,1,
1,b,1,
2,a,1,2024-01-03T00:00:00Z
2,c,1,2024-01-03T00:00:00Z
3,a,-1,
3,,1,
3,d,1,
`,
      ),
    );
    expect(r.baskets.count).toBe(2);
    expect(r.cancelledOrders).toBe(1);
    expect(r.skippedLines).toBe(2);
  });

  it.each([
    ['plain', false],
    ['gzip', true],
  ])('reads a %s file of many chunks with quoted titles like csv-parse reads it line by line', async (_name, gzip) => {
    // ~3 MB: many read chunks, so lines and quoted batches cross chunk boundaries. Every 5th title is quoted
    // (a comma, sometimes an escaped quote); two quoted lines are broken and must cost only themselves.
    const lines = ['order_id,product_id,quantity,price,created_at,title'];
    const broken = new Set([20_011, 41_234]);
    for (let l = 1; l <= 60_000; l++) {
      const product = `p${(l * 7919) % 5003}`;
      const title = l % 5 === 0 ? `"${product}, the ${l % 3 ? 'big' : '""small""'} one"` : `${product} plain`;
      lines.push(broken.has(l) ? `${Math.floor(l / 4)},${product},1,2.50,2024-01-01T00:00:00Z,"${product}, unclosed` : `${Math.floor(l / 4)},${product},1,2.50,2024-01-01T00:00:00Z,${title}`);
    }
    const text = lines.join('\r\n') + '\r\n';
    const r = await loadOrdersCsv(csv(`chunks-${gzip}.csv${gzip ? '.gz' : ''}`, text, gzip));
    expect(r.badRows.map((b) => b.line)).toEqual([...broken].map((l) => l + 1));
    const expectedTitles = new Map<string, string>();
    lines.slice(1).forEach((line, i) => {
      if (broken.has(i + 1)) return;
      const [, product, , , , title] = (parseCsv(line) as string[][])[0];
      if (!expectedTitles.has(product)) expectedTitles.set(product, title);
    });
    expect(new Map(r.baskets.itemIds.map((id, i) => [id, r.baskets.titles[i]]))).toEqual(expectedTitles);
    expect(r.lines).toBe(60_000);
  });
});


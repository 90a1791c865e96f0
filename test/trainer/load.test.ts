import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {gzipSync} from 'node:zlib';
import {parse as parseCsv} from 'csv-parse/sync';
import {describe, expect, it} from 'vitest';
import {BasketBuilder, loadOrdersCsv, readProductsCsv} from '../../trainer/load';
import {MissingColumnError} from '../../domain/errors';
import {trainerCommand} from '../../devkit/trainer-command';

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


// A catalogue export: descriptions hold commas, quotes and line breaks inside quoted fields.
const PRODUCTS = `product_id,title,product_type,vendor,tags,description,price,available
1,Espresso beans,Coffee,Roastery,"coffee,roasted","Dark roast.
Notes of cocoa, ""bold"" and smoky.

Keep sealed.",14.00,true
2,Milk frother,Coffee,Brewco,coffee,Froths milk,29.00,true
3,Ceramic cup,Coffee,Brewco,,"One line",9.00,false
`;

describe('loading products', () => {
  it.each([
    ['plain', false],
    ['gzip', true],
  ])('reads a %s products CSV whose quoted description spans lines, and the products after it', async (_name, gzip) => {
    const builder = new BasketBuilder();
    const r = await readProductsCsv(csv(`products-${gzip}.csv${gzip ? '.gz' : ''}`, PRODUCTS, gzip), builder);
    expect(r.badRowCount).toBe(0);
    const ids = r.products.map((p) => builder.build().itemIds[p.index]);
    expect(ids).toEqual(['1', '2', '3']);
    expect(r.products[0]).toMatchObject({title: 'Espresso beans', tags: 'coffee,roasted', description: 'Dark roast.\nNotes of cocoa, "bold" and smoky.\n\nKeep sealed.'});
    expect(r.products[2]).toMatchObject({title: 'Ceramic cup', description: 'One line'});
  });

  it('counts bad product rows with the line each starts on and keeps the rest', async () => {
    const file = csv(
      'products-bad.csv',
      `\uFEFFproduct_id,title,description,price
1,A,"two
lines",1.00

2,B,too,many,fields
,C,no id,3.00
4,D,unreadable price,cheap
5,E,"three
long
lines",5.00
6,F,fine,6.00
7,G,"never closed,7.00
8,H,swallowed by the open quote,8.00
`,
    );
    const builder = new BasketBuilder();
    const r = await readProductsCsv(file, builder);
    expect(r.products.map((p) => builder.build().itemIds[p.index])).toEqual(['1', '5', '6']);
    expect(r.badRows.map((b) => b.line)).toEqual([5, 6, 7, 12]);
    expect(r.badRowCount).toBe(4);
    expect(r.badRows.map((b) => b.reason)).toEqual([
      'expected 4 fields, found 5',
      'empty product_id',
      'unreadable price "cheap"',
      expect.stringMatching(/quote not closed/i),
    ]);
  });

  it('a products file without product_id is fatal and named', async () => {
    await expect(readProductsCsv(csv('products-no-id.csv', 'sku,title\n1,A\n'), new BasketBuilder())).rejects.toThrow('"product_id"');
  });

  it('report.json counts the bad product rows in bad_rows and lists them with their lines', async () => {
    const orders = csv('orders-for-products.csv', ['order_id,product_id,quantity,price,created_at', ...Array.from({length: 40}, (_, o) =>
      [1, 2, 3].slice(0, 2 + (o % 2)).map((p) => `${o + 1},${p},1,1.00,2024-01-${String(1 + (o % 28)).padStart(2, '0')}T00:00:00Z`).join('\n'))].join('\n') + '\n');
    const products = csv('products-report.csv', PRODUCTS + ',No id,Coffee,Brewco,,none,1.00,true\n');
    const out = join(dir, 'out-products');
    await promisify(execFile)(...trainerCommand(['--orders', orders, '--products', products, '--out', out, '--model', 'stats', '--threads', '1']));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({bad_rows: 1, bad_product_rows: 1, bad_product_row_samples: [{line: 8, reason: 'empty product_id'}]});
  }, 120_000);
});

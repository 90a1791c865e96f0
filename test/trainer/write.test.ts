import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parse} from 'csv-parse/sync';
import {describe, expect, it} from 'vitest';
import type {Companions} from '../../trainer/companions';
import {csvField} from '../../domain/csv';
import {num, writeListRows} from '../../trainer/list-files';
import {seededRandom} from '../../domain/random';

/** The reference: six significant digits through toPrecision, printed in shortest form. */
const reference = (x: number) => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(6)).toString());

describe('num (figures in the output CSVs)', () => {
  it.each([
    [0.25, '0.25'],
    [1 / 3, '0.333333'],
    [12345.678, '12345.7'],
    [2, '2'],
    [-0.5, '-0.5'],
    [1.23456789e-7, '1.23457e-7'],
    [4.2e9 + 0.5, '4200000000'],
    [NaN, 'NaN'],
  ])('%d -> %s', (x, expected) => {
    expect(num(x)).toBe(expected);
  });

  it('matches the toPrecision reference on 200k random figures of every size and sign', () => {
    const rand = seededRandom(7);
    let mismatches = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = (rand() - 0.3) * 10 ** Math.floor(rand() * 16 - 9);
      if (num(x) !== reference(x)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('writeListRows', () => {
  it('writes every row intact across its 1 MB chunks: multi-byte and quoted ids, and a line longer than a chunk', async () => {
    const n = 5000;
    const k = 20;
    const rand = seededRandom(3);
    const offsets = Uint32Array.from({length: n + 1}, (_, a) => a * k);
    // No row recommends the last product: its id is the long one, and only its own rows come last.
    const items = Uint32Array.from({length: n * k}, () => Math.floor(rand() * (n - 1)));
    const companions = {offsets, items, scores: Float64Array.from(items, () => rand()), counts: Uint32Array.from(items, () => 1 + Math.floor(rand() * 9)), sources: new Uint8Array(n * k)};
    const ids = Array.from({length: n}, (_, i) => (i % 3 === 0 ? `thé-${i}-🎁` : i % 3 === 1 ? `mug, "large" ${i}` : `p${i}`));
    ids[n - 1] = 'x'.repeat(400_000); // 1.2 MB at the worst case of 3 bytes a character: written on its own
    const dir = mkdtempSync(join(tmpdir(), 'pairwise-lines-'));
    const files = {recommendations: join(dir, 'recommendations.csv'), pairs: join(dir, 'pairs.csv')};
    const freq = new Uint32Array(n).fill(10);
    await writeListRows(files, {ids: ids.map(csvField), companions: companions as unknown as Companions, freq, orders: 1000, embeddingSim: null}, 0, n, true);
    const recs = parse(readFileSync(files.recommendations, 'utf8'), {columns: true}) as Record<string, string>[];
    expect(recs).toHaveLength(n * k);
    expect(recs.map((r) => `${r.product_id}|${r.rank}|${r.recommended_id}`)).toEqual(Array.from(items, (b, t) => `${ids[Math.floor(t / k)]}|${(t % k) + 1}|${ids[b]}`));
    expect(Math.max(...recs.map((r, t) => Math.abs(Number(r.score) - companions.scores[t])))).toBeLessThan(1e-5);
    const pairs = parse(readFileSync(files.pairs, 'utf8'), {columns: true}) as Record<string, string>[];
    expect(pairs.map((r) => `${r.product_id}|${r.recommended_id}|${r.count}`)).toEqual(recs.map((r, t) => `${r.product_id}|${r.recommended_id}|${companions.counts[t]}`));
  });
});

import {describe, expect, it} from 'vitest';
import {num} from '../../trainer/write';
import {seededRandom} from '../../trainer/random';

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

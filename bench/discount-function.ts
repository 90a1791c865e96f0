import {readFileSync} from 'node:fs';
import {cartLinesDiscountsGenerateRun} from '../extensions/bundle-discount/src/index.js';
import type {RunInput} from '../extensions/bundle-discount/src/cart_lines_discounts_generate_run.js';
import {randomSamplers} from '../devkit/random';
import type {Bench, BenchRow} from './types';

/**
 * The bundle discount function's cost per cart in Node, for carts of 10 and 200 lines (every product listing
 * 20 companions, the published maximum), beside a no-op function given the same input; each run parses the
 * input JSON and serialises the output, as Shopify's runner does. Shopify caps a function's instructions
 * (https://shopify.dev/docs/apps/build/functions/programming-languages/javascript-for-functions), so the time
 * must stay linear in lines and the source small; the size printed is the source Javy compiles.
 */
const SOURCES = ['index.js', 'cart_lines_discounts_generate_run.js', 'config.js'];
const NOOP_SOURCE = 'export function cartLinesDiscountsGenerateRun() { return {operations: []}; }\n';
const noop = (input: RunInput) => (input.cart ? {operations: []} : {operations: []});

function cart(lines: number, seed: number): string {
  const random = randomSamplers(seed);
  const catalogue = Math.max(20, lines * 2);
  const pick = () => 1 + random.int(catalogue);
  const input: RunInput = {
    cart: {
      lines: Array.from({length: lines}, (_, i) => {
        const product = pick();
        return {
          id: `gid://shopify/CartLine/${i + 1}`,
          quantity: 1 + random.int(3),
          cost: {amountPerQuantity: {amount: ((1 + random.int(9999)) / 100).toFixed(2)}},
          merchandise: {
            __typename: 'ProductVariant',
            id: `gid://shopify/ProductVariant/${product}1`,
            product: {id: `gid://shopify/Product/${product}`, isGiftCard: false, companions: {jsonValue: Array.from({length: 20}, () => `gid://shopify/Product/${pick()}`)}},
          },
        };
      }),
    },
    discount: {discountClasses: ['PRODUCT'], metafield: {jsonValue: {percentage: 10, scope: 'companions', minimumItems: 2, message: 'Together: 10% off'}}},
  };
  return JSON.stringify(input);
}

function microsPerRun(fn: (input: RunInput) => unknown, inputs: string[], runs: number): number {
  for (let i = 0; i < Math.min(runs, 200); i++) JSON.stringify(fn(JSON.parse(inputs[i % inputs.length]) as RunInput));
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) JSON.stringify(fn(JSON.parse(inputs[i % inputs.length]) as RunInput));
  return Number(process.hrtime.bigint() - start) / 1000 / runs;
}

export const benchDiscountFunction: Bench = async ({quick}) => {
  const rows: BenchRow[] = [];
  for (const lines of [10, 200]) {
    const inputs = Array.from({length: 20}, (_, i) => cart(lines, 1000 + i));
    const runs = (quick ? 2_000 : 20_000) / (lines === 200 ? 10 : 1);
    const fn = microsPerRun(cartLinesDiscountsGenerateRun, inputs, runs);
    const base = microsPerRun(noop, inputs, runs);
    rows.push({name: `function per cart of ${lines} lines`, value: fn, unit: 'µs', reference: base, referenceName: 'no-op function', ratio: fn / base, note: 'input parse + run + output serialise'});
  }
  const size = SOURCES.reduce((n, f) => n + readFileSync(new URL(`../extensions/bundle-discount/src/${f}`, import.meta.url)).length, 0);
  rows.push({name: 'function source size', value: size / 1024, unit: 'KiB', reference: NOOP_SOURCE.length / 1024, referenceName: 'no-op source', ratio: size / NOOP_SOURCE.length, note: 'before Javy; no dependencies'});
  return rows;
};

// @ts-check
/**
 * cart.lines.discounts.generate.run: the merchant's percentage off the products bought together with their
 * published Pairwise companions (scope "companions"), or off every product of such a bundle (scope "bundle").
 * Input and output follow the Discount Function API 2026-10 (https://shopify.dev/docs/api/functions/latest/discount)
 * as "Build a Discount Function" uses it
 * (https://shopify.dev/docs/apps/build/discounts/build-product-discount-function?extension=javascript):
 * one `productDiscountsAdd` operation whose candidate targets `cartLine`s with a `percentage` value and a message.
 * Plain JavaScript Javy runs: no Node APIs, no dependencies, linear in the cart's lines (a product lists at most
 * 20 companions).
 *
 * Rules (README, "Bundle discount"):
 * - A pair counts when the cart holds product A and a product C that A's published `$app.recommendations` list
 *   names: server-written data, so a shopper cannot forge it the way a line property can be.
 * - A's group is A and its companions in the cart; it qualifies with at least `minimumItems` distinct products.
 * - Gift cards and $0 lines neither count nor get a discount; a product is never its own companion, so two lines
 *   of one product are not a bundle.
 * - Quantities: each pair discounts at most as many units as the other side holds (2 of A with 5 of C: 2 of C),
 *   over the product's lines in cart order. A product both anchor and companion (A lists C, C lists A) is
 *   discounted as a companion of the other; in scope "bundle" such a mutual pair counts once.
 */
import {readConfig} from './config.js';

/**
 * @typedef {{id: string, quantity: number, cost: {amountPerQuantity: {amount: string | number}},
 *   merchandise: {__typename: string, id?: string, product?: {id: string, isGiftCard: boolean,
 *   companions?: {jsonValue: unknown} | null}}}} InputLine
 * @typedef {{cart: {lines: InputLine[]}, discount: {discountClasses: string[],
 *   metafield?: {jsonValue: unknown} | null}}} RunInput
 * @typedef {{cartLine: {id: string, quantity?: number}}} Target
 * @typedef {{operations: {productDiscountsAdd: {candidates: {message: string, targets: Target[],
 *   value: {percentage: {value: number}}}[], selectionStrategy: 'FIRST'}}[]}} RunResult
 */

const NO_DISCOUNT = /** @type {RunResult} */ ({operations: []});

/**
 * @param {RunInput} input
 * @returns {RunResult}
 */
export function cartLinesDiscountsGenerateRun(input) {
  const discount = input && input.discount;
  if (!discount || !Array.isArray(discount.discountClasses) || !discount.discountClasses.includes('PRODUCT')) return NO_DISCOUNT;
  const config = readConfig(discount.metafield && discount.metafield.jsonValue);
  if (!config) return NO_DISCOUNT;
  const lines = (input.cart && Array.isArray(input.cart.lines) ? input.cart.lines : []).filter(countsForBundle);

  /** @type {Map<string, number>} units in the cart per product */
  const units = new Map();
  /** @type {Map<string, string[]>} each product's published companions that are in the cart */
  const companionsInCart = new Map();
  for (const line of lines) {
    const product = /** @type {NonNullable<InputLine['merchandise']['product']>} */ (line.merchandise.product);
    units.set(product.id, (units.get(product.id) || 0) + line.quantity);
  }
  for (const line of lines) {
    const product = /** @type {NonNullable<InputLine['merchandise']['product']>} */ (line.merchandise.product);
    if (companionsInCart.has(product.id)) continue;
    const listed = product.companions && product.companions.jsonValue;
    const found = /** @type {string[]} */ ([]);
    if (Array.isArray(listed)) {
      for (const id of listed) if (typeof id === 'string' && id !== product.id && units.has(id) && !found.includes(id)) found.push(id);
    }
    companionsInCart.set(product.id, found);
  }

  /** @type {Map<string, number>} how many units of each product the qualifying pairs discount */
  const budget = new Map();
  const add = (/** @type {string} */ id, /** @type {number} */ n) => budget.set(id, (budget.get(id) || 0) + n);
  /** @type {Set<string>} unordered pairs already counted in scope "bundle" */
  const counted = new Set();
  for (const [anchor, companions] of companionsInCart) {
    if (companions.length + 1 < config.minimumItems) continue;
    for (const companion of companions) {
      if (config.scope === 'companions') {
        add(companion, /** @type {number} */ (units.get(anchor)));
        continue;
      }
      const pair = anchor < companion ? `${anchor} ${companion}` : `${companion} ${anchor}`;
      if (counted.has(pair)) continue;
      counted.add(pair);
      add(companion, /** @type {number} */ (units.get(anchor)));
      add(anchor, /** @type {number} */ (units.get(companion)));
    }
  }

  /** @type {Target[]} */
  const targets = [];
  for (const line of lines) {
    const id = /** @type {NonNullable<InputLine['merchandise']['product']>} */ (line.merchandise.product).id;
    const left = budget.get(id) || 0;
    if (!left) continue;
    const take = Math.min(left, line.quantity);
    budget.set(id, left - take);
    targets.push({cartLine: take === line.quantity ? {id: line.id} : {id: line.id, quantity: take}});
  }
  if (!targets.length) return NO_DISCOUNT;
  return {
    operations: [{
      productDiscountsAdd: {
        candidates: [{message: config.message, targets, value: {percentage: {value: config.percentage}}}],
        selectionStrategy: 'FIRST',
      },
    }],
  };
}

/**
 * A line that can be part of a bundle: a product variant, not a gift card, priced above zero, whole quantity.
 * @param {InputLine} line
 */
function countsForBundle(line) {
  const product = line && line.merchandise && line.merchandise.__typename === 'ProductVariant' ? line.merchandise.product : null;
  if (!product || typeof product.id !== 'string' || product.isGiftCard) return false;
  if (typeof line.id !== 'string' || !Number.isInteger(line.quantity) || line.quantity < 1) return false;
  return Number(line.cost && line.cost.amountPerQuantity && line.cost.amountPerQuantity.amount) > 0;
}

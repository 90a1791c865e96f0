// @ts-check
/**
 * The one rounding rule of the bundle discount, shared by the function's callers that turn its percentage into
 * money: the Shopify stand-in's cart (devkit) and the product block's displayed saving, which renders the same
 * rule in Liquid (`times`, `divided_by`, `round`) and is tested against this module
 * (test/extensions/bundle-discount/display.test.ts). Shopify itself computes the allocation from the
 * percentage the function returns; amounts here are in the currency's minor unit (cents), as Liquid gives them.
 */

/**
 * The saving on `units` units priced `unitCents` each at a whole `percentage`, rounded half up to the minor unit.
 * Integer arithmetic up to the last division, so no float error decides a half cent.
 * @param {number} unitCents
 * @param {number} units
 * @param {number} percentage
 * @returns {number}
 */
export function savingCents(unitCents, units, percentage) {
  return Math.round((unitCents * units * percentage) / 100);
}

/**
 * A money amount as the Function API's `Decimal` gives it ("12.5", "12.50") in minor units.
 * @param {string | number} amount
 * @returns {number}
 */
export function toCents(amount) {
  return Math.round(Number(amount) * 100);
}

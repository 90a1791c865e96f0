/**
 * An order, order line or customer id from Shopify, exact: a number while a JS number holds it (up to 2^53 - 1),
 * a BigInt beyond. Each id has one representation (see `exactId`), so two ids compare with `===`.
 * Product and variant ids stay `number`: they enter the model as JS numbers, so beyond 2^53 they are refused.
 */
export type ShopifyId = number | bigint;

/** The largest id SQLite's INTEGER (and better-sqlite3's BigInt binding) stores exactly: 2^63 - 1. */
export const MAX_STORED_ID = 2n ** 63n - 1n;

const MAX_NUMBER_ID = BigInt(Number.MAX_SAFE_INTEGER);

/** The one representation of an id: a number when it is exact as one, otherwise the BigInt. */
export function exactId(id: bigint): ShopifyId {
  return id <= MAX_NUMBER_ID ? Number(id) : id;
}

/** JSON has no BigInt, and a JSON number past 2^53 is rounded by most readers: such an id goes out as its digits. */
export function jsonId(id: ShopifyId): number | string {
  return typeof id === 'bigint' ? String(id) : id;
}

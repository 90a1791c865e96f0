import type {ShopifyId} from '../domain/shopify-id';

/**
 * An id column read exactly: better-sqlite3 returns an INTEGER as a JS number, which rounds past 2^53 - 1, so such
 * an id is selected as its text instead (the rest stay numbers: no BigInt cost on every row). Read with `idFrom`.
 */
export const exactIdColumn = (column: string): string => `CASE WHEN ${column} > ${Number.MAX_SAFE_INTEGER} THEN CAST(${column} AS TEXT) ELSE ${column} END`;

/** The id an `exactIdColumn` value stands for. */
export const idFrom = (value: number | string): ShopifyId => (typeof value === 'string' ? BigInt(value) : value);

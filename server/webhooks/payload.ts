import {isInteger, isSafeNumber, LosslessNumber, parse as parseLossless} from 'lossless-json';
import {z} from 'zod';
import {UnreadablePayload} from '../../domain/errors';
import {exactId, MAX_STORED_ID} from '../../domain/shopify-id';
import type {ShopifyId} from '../../domain/shopify-id';

const MAX_NUMBER_ID = BigInt(Number.MAX_SAFE_INTEGER);
const GID = /^(?:gid:\/\/shopify\/\w+\/)?(\d+)$/;

/** The digits of a REST payload number, a numeric string, or a GraphQL gid, as a positive BigInt; an issue otherwise. */
function idDigits(value: unknown, ctx: z.RefinementCtx): bigint | undefined {
  const digits =
    typeof value === 'string' ? GID.exec(value)?.[1] : typeof value === 'number' || typeof value === 'bigint' ? /^\d+$/.exec(String(value))?.[0] : undefined;
  if (digits === undefined || BigInt(digits) < 1n) {
    ctx.addIssue({code: 'custom', message: 'not a Shopify id (a positive integer or a gid)'});
    return undefined;
  }
  return BigInt(digits);
}

/**
 * A product or variant id as a JS number. These enter the model (trainer, snapshots, metafields) as JS numbers,
 * so one beyond Number.MAX_SAFE_INTEGER is refused (the delivery is recorded as unreadable), never rounded onto
 * another id. A number arrives here exactly: see parseWebhookBody.
 */
export const shopifyId = z.unknown().transform((value, ctx): number => {
  const id = idDigits(value, ctx);
  if (id === undefined) return z.NEVER;
  if (id > MAX_NUMBER_ID) {
    ctx.addIssue({code: 'custom', message: `id ${id} is beyond 2^53 - 1, the largest product or variant id kept exactly`});
    return z.NEVER;
  }
  return Number(id);
});

/**
 * An order, order line or customer id, exact: a BigInt beyond 2^53 - 1 (stored as SQLite INTEGER, read back
 * exactly: storage/exact-id.ts). Beyond 2^63 - 1 SQLite cannot store it, so it is refused as unreadable.
 */
export const exactShopifyId = z.unknown().transform((value, ctx): ShopifyId => {
  const id = idDigits(value, ctx);
  if (id === undefined) return z.NEVER;
  if (id > MAX_STORED_ID) {
    ctx.addIssue({code: 'custom', message: `id ${id} is beyond 2^63 - 1, the largest id SQLite stores`});
    return z.NEVER;
  }
  return exactId(id);
});

/** Any integer literal of 2^53 or more has at least 16 digits: without a run of 16, JSON.parse is exact. */
const LONG_DIGITS = /\d{16}/;

/**
 * JSON of a webhook body in which no number is silently changed: an integer a JS number cannot hold becomes a
 * BigInt (so 9007199254740993 reaches the id parsers as itself, not as 9007199254740992), and any other number a
 * JS number would round stays a LosslessNumber that no number field accepts. Throws on invalid JSON.
 */
export function parseWebhookBody(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return parseLossless(text, null, {
    parseNumber: (n) => (isSafeNumber(n) ? Number(n) : isInteger(n) ? BigInt(n) : new LosslessNumber(n)),
    // As JSON.parse: the last of a repeated key wins.
    onDuplicateKey: ({newValue}) => newValue,
  });
}

/** Any ISO 8601 time with an offset, normalised to UTC so stored times compare as strings and numbers. */
export const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a time').transform((s) => new Date(s).toISOString());

/** Shopify's product status (REST sends lower case, GraphQL upper case), stored lower case. */
export const productStatus = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['active', 'draft', 'archived', 'unlisted']));

export const money = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

/** A product's shown price: its cheapest variant's, or null when no variant has one. */
export function lowestPrice(variants: {price?: number | null}[]): number | null {
  const prices = variants.map((v) => v.price).filter((x): x is number => typeof x === 'number');
  return prices.length ? Math.min(...prices) : null;
}

export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown, what: string): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UnreadablePayload(`${what}: ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return parsed.data;
}

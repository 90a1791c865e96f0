import {isInteger, isSafeNumber, LosslessNumber, parse as parseLossless} from 'lossless-json';
import {z} from 'zod';
import {UnreadablePayload} from '../../domain/errors';

const MAX_ID = BigInt(Number.MAX_SAFE_INTEGER);
const GID = /^(?:gid:\/\/shopify\/\w+\/)?(\d+)$/;

/**
 * Numeric Shopify id from a REST payload number, a numeric string, or a GraphQL gid. Ids are stored as SQLite
 * integers and read as JS numbers, so an id beyond Number.MAX_SAFE_INTEGER is refused (the delivery is recorded
 * as unreadable), never rounded onto another id. A number arrives here exactly: see parseWebhookBody.
 */
export const shopifyId = z.unknown().transform((value, ctx): number => {
  const digits =
    typeof value === 'string' ? GID.exec(value)?.[1] : typeof value === 'number' || typeof value === 'bigint' ? /^\d+$/.exec(String(value))?.[0] : undefined;
  if (digits === undefined || BigInt(digits) < 1n) {
    ctx.addIssue({code: 'custom', message: 'not a Shopify id (a positive integer or a gid)'});
    return z.NEVER;
  }
  if (BigInt(digits) > MAX_ID) {
    ctx.addIssue({code: 'custom', message: `id ${digits} is beyond 2^53 - 1, the largest id stored exactly`});
    return z.NEVER;
  }
  return Number(digits);
});

/** Any integer literal of 2^53 or more has at least 16 digits: without a run of 16, JSON.parse is exact. */
const LONG_DIGITS = /\d{16}/;

/**
 * JSON of a webhook body in which no number is silently changed: an integer a JS number cannot hold becomes a
 * BigInt (so 9007199254740993 reaches shopifyId as itself, not as 9007199254740992), and any other number a
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

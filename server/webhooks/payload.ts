import {z} from 'zod';
import {UnreadablePayload} from '../../domain/errors';

/** Numeric Shopify id from a REST payload number, a numeric string, or a GraphQL gid. */
export const shopifyId = z.union([
  z.number().int().positive(),
  z.string().regex(/^(gid:\/\/shopify\/\w+\/)?\d+$/).transform((s) => Number(s.slice(s.lastIndexOf('/') + 1))),
]);

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

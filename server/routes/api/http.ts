import type {Response} from 'express';
import {z} from 'zod';
import {fieldErrors} from '../../../domain/settings';
import type {Db} from '../../../storage/open';
import {catalogRepo} from '../../../storage/repos/catalog';

/** The one error shape of `/api` and `/internal`: `{error: {code, message, fields?}}`. */
export function sendError(res: Response, status: number, code: string, message: string, fields?: Record<string, string>): void {
  res.status(status).json({error: fields ? {code, message, fields} : {code, message}});
}

/**
 * Validates input against a schema; on failure answers 400 with field-level messages and returns null, so a
 * handler reads `const q = parse(...); if (!q) return;`.
 */
export function parse<S extends z.ZodType>(res: Response, schema: S, input: unknown): z.infer<S> | null {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  sendError(res, 400, 'invalid_input', 'some fields are invalid', fieldErrors(result.error));
  return null;
}

/** Shopify ids are positive integers; anything else in a path is refused before it reaches SQL. */
export const productId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** `?limit=&offset=`, the pagination of every list. */
export const page = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export function notFound(res: Response, what: string): void {
  sendError(res, 404, 'not_found', `${what} not found in this shop`);
}

/** The ids among these that are not products of this shop's file (another shop's ids, deleted products). */
export function missingProducts(db: Db, ids: number[]): number[] {
  const found = catalogRepo(db).getMany(ids);
  return ids.filter((id) => !found.has(id));
}

import type {Request, Response} from 'express';
import {RateLimiterRes} from 'rate-limiter-flexible';
import type {RateLimiterMemory} from 'rate-limiter-flexible';
import type {z} from 'zod';

/**
 * What the storefront's beacons (`/proxy/events`, `/proxy/experiment`) share: a JSON body read as text (sendBeacon
 * posts text/plain) and checked against its schema, and the budgets it spends before anything is stored.
 */

/** The body as `schema` reads it, or null once a 400 has been sent (not JSON, or not that shape). */
export function beaconBody<T>(req: Request, res: Response, schema: z.ZodType<T>): T | null {
  let body: unknown;
  try {
    body = JSON.parse(typeof req.body === 'string' ? req.body : '');
  } catch {
    res.status(400).json({error: 'body is not JSON'});
    return null;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    res.status(400).json({error: parsed.error.issues[0].message});
    return null;
  }
  return parsed.data;
}

/**
 * Spends `points` from each budget in turn (the client's before its shop's, so a flooding client is refused before
 * it spends any of its shop's); false once a 429 with Retry-After has been sent.
 */
export async function spendBudgets(res: Response, budgets: [RateLimiterMemory, string][], points: number, what: string): Promise<boolean> {
  try {
    for (const [limiter, key] of budgets) await limiter.consume(key, points);
    return true;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    res.status(429).set('Retry-After', String(Math.max(1, Math.ceil(err.msBeforeNext / 1000)))).json({error: `too many ${what}`});
    return false;
  }
}

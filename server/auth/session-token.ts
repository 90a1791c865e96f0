import type {NextFunction, Request, RequestHandler, Response} from 'express';
import type {Services} from '../services';
import {parseShopDomain} from '../../storage/shop-domain';
import type {ShopDomain} from '../../storage/shop-domain';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by requireSessionToken from a verified App Bridge session token, and only there. */
      shop: ShopDomain;
    }
  }
}

/**
 * Guard for `/api/*` and `/extension/*`: the shop comes from a verified session token, App Bridge's or a UI
 * extension's (HS256 with our secret, our api key as `aud`, inside its `nbf`..`exp` window), and from nothing
 * else the request says.
 */
export function requireSessionToken(ctx: Pick<Services, 'shopify' | 'log'>, onVerified?: (shop: ShopDomain, token: string) => void): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
    if (!match) {
      res.status(401).json({error: {code: 'unauthorized', message: 'missing session token'}});
      return;
    }
    let shop: ShopDomain | null = null;
    try {
      const payload = await ctx.shopify.session.decodeSessionToken(match[1]);
      const missing = missingTimeClaims(payload);
      if (missing) throw new Error(`session token has no ${missing} claim`);
      // The admin's tokens name the shop as `https://<shop>`, a checkout UI extension's as the bare domain.
      shop = parseShopDomain(payload.dest.includes('://') ? new URL(payload.dest).hostname : payload.dest);
    } catch (err) {
      // The library's message quotes the whole token: keep it out of the log.
      const reason = (err instanceof Error ? err.message : String(err)).replace(match[1], '<token>');
      ctx.log('info', 'session token rejected', {reason});
    }
    if (!shop) {
      res.status(401).json({error: {code: 'unauthorized', message: 'invalid session token'}});
      return;
    }
    res.locals.shop = shop;
    onVerified?.(shop, match[1]);
    next();
  };
}

/**
 * Shopify's session tokens always carry `exp` and `nbf`
 * (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens), but the library's check
 * (jose's jwtVerify) only enforces them when present: a signed token without them would never expire.
 */
function missingTimeClaims(payload: {exp?: unknown; nbf?: unknown}): string | null {
  const missing = (['exp', 'nbf'] as const).filter((claim) => typeof payload[claim] !== 'number');
  return missing.length ? missing.join(' and ') : null;
}

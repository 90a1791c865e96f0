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
 * Guard for `/api/*`: the shop comes from a verified App Bridge session token (HS256 with our secret, our
 * api key as `aud`, not expired) and from nothing else the request says.
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
      shop = parseShopDomain(new URL(payload.dest).hostname);
    } catch (err) {
      ctx.log('info', 'session token rejected', {reason: err instanceof Error ? err.message : String(err)});
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

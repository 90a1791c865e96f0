import {RequestedTokenType} from '@shopify/shopify-api';
import type {Session} from '@shopify/shopify-api';
import type {Services} from '../services';
import {SqliteSessionStorage} from '../../storage/repos/sessions';
import {shopsRepo} from '../../storage/repos/shops';
import type {ShopDomain} from '../../storage/shop-domain';
import {NoOfflineSession} from '../../domain/errors';

/** Refresh this long before expiry, so a token never dies in the middle of a bulk download. */
const REFRESH_MARGIN_MS = 5 * 60_000;

const inFlight = new Map<string, Promise<Session>>();

/**
 * The shop's offline (background) session: loaded, refreshed before expiry, or obtained by token exchange
 * from an App Bridge session token (Shopify-managed install). `installed` runs once, on a new install.
 */
/** What obtaining a session needs: where sessions are stored and the Shopify client. */
export type SessionDeps = Pick<Services, 'config' | 'appDb' | 'shopify' | 'log'>;

export function offlineSession(
  ctx: SessionDeps,
  shop: ShopDomain,
  sessionToken?: string,
  installed?: (shop: ShopDomain) => void,
): Promise<Session> {
  const pending = inFlight.get(shop);
  if (pending) return pending;
  const work = obtain(ctx, shop, sessionToken, installed).finally(() => inFlight.delete(shop));
  inFlight.set(shop, work);
  return work;
}

async function obtain(
  ctx: SessionDeps,
  shop: ShopDomain,
  sessionToken: string | undefined,
  installed: ((shop: ShopDomain) => void) | undefined,
): Promise<Session> {
  const storage = new SqliteSessionStorage(ctx.appDb);
  const stored = await storage.loadSession(ctx.shopify.session.getOfflineId(shop));
  if (stored?.accessToken && !stored.isExpired(REFRESH_MARGIN_MS) && !stored.isScopeChanged(ctx.config.scopes)) {
    return stored;
  }
  let session: Session;
  if (stored?.refreshToken && (!stored.refreshTokenExpires || stored.refreshTokenExpires.getTime() > Date.now())
      && !stored.isScopeChanged(ctx.config.scopes)) {
    ({session} = await ctx.shopify.auth.refreshToken({shop, refreshToken: stored.refreshToken}));
  } else if (sessionToken) {
    ({session} = await ctx.shopify.auth.tokenExchange({
      shop,
      sessionToken,
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    }));
  } else {
    throw new NoOfflineSession(`no offline session for ${shop}; the merchant must open the app once`);
  }
  await storage.storeSession(session);
  const shops = shopsRepo(ctx.appDb);
  const before = shops.get(shop);
  shops.recordInstall(shop, session.scope ?? ctx.config.scopes.join(','));
  if (!before || before.uninstalledAt || !stored) installed?.(shop);
  ctx.log('info', stored ? 'offline token renewed' : 'offline token obtained', {shop});
  return session;
}

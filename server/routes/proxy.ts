import express from 'express';
import type {NextFunction, Request, Response} from 'express';
import {z} from 'zod';
import type {Services} from '../services';
import {shopsRepo} from '../../storage/repos/shops';
import {StorefrontLists} from '../recommend/storefront-lists';
import {appProxyVerifier} from './proxy-signature';
import {parseShopDomain} from '../../storage/shop-domain';
import type {ShopDomain} from '../../storage/shop-domain';
import {experimentRouter} from './proxy-experiment';
import {pixelRouter} from './proxy-pixel';
import {funnelEventsRouter} from './proxy-funnel-events';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by verifyAppProxy from a valid app-proxy signature. */
      proxyShop: ShopDomain;
    }
  }
}

/** A cart has far fewer distinct products; more is abuse, not a cart. */
const MAX_IDS = 100;
const idList = z
  .string()
  .max(MAX_IDS * 20)
  .regex(/^\d{1,19}(,\d{1,19})*$/, 'comma-separated numeric product ids')
  // An id beyond 2^53 would round to another product's id as a JS number; none can be in the model (storage
  // reads ids as numbers), so such an id names nothing here and is left out rather than rounded.
  .transform((s) => [...new Set(s.split(',').filter((id) => id.length < 16 || BigInt(id) <= BigInt(Number.MAX_SAFE_INTEGER)).map(Number))])
  .refine((ids) => ids.length <= MAX_IDS, `at most ${MAX_IDS} products`);

const recommendationsQuery = z.object({
  products: idList,
  limit: z.coerce.number().int().min(1).max(20).optional(),
  format: z.enum(['json', 'liquid']).default('json'),
});

/**
 * The app proxy (`/apps/pairwise/*` on the shop's domain -> `/proxy/*`). Trust comes only from Shopify's
 * `signature` query parameter; a missing, wrong or stale (> 90 s) one gets 401 and nothing else.
 */
/** What the storefront's routes need: the signature check, the installed shops, their files and models, the log. */
export type ProxyDeps = Pick<Services, 'shopify' | 'appDb' | 'shopDbs' | 'models' | 'log'>;

export function proxyRouter(ctx: ProxyDeps): express.Router {
  const router = express.Router();
  const lists = new StorefrontLists(ctx.models);
  const verify = appProxyVerifier(ctx.shopify.config.apiSecretKey);
  router.use((req, res, next) => verifyAppProxy(ctx, verify, req, res, next));
  router.use(experimentRouter((shop) => ctx.shopDbs.get(shop)));
  router.use(pixelRouter((shop) => ctx.shopDbs.get(shop)));
  router.use(funnelEventsRouter((shop) => ctx.shopDbs.get(shop)));

  router.get('/recommendations', async (req, res) => {
    const parsed = recommendationsQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({error: parsed.error.issues[0].message});
      return;
    }
    const shop = res.locals.proxyShop;
    const db = ctx.shopDbs.get(shop);
    const {products: anchors, limit, format} = parsed.data;
    const companions = await lists.companions(shop, db, anchors, {limit, block: 'cart'});
    // The CDN may reuse an answer briefly; the model changes at most a few times a day.
    res.set('Cache-Control', 'public, max-age=60, stale-while-revalidate=300');
    if (format === 'liquid') {
      res.type('application/liquid').send(liquidList(companions.map((c) => c.handle)));
      return;
    }
    res.json({products: companions});
  });

  return router;
}

function verifyAppProxy(ctx: ProxyDeps, verify: ReturnType<typeof appProxyVerifier>, req: Request, res: Response, next: NextFunction): void {
  const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
  const check = verify(query);
  if (!check.valid && check.reason !== 'invalid signature') ctx.log('info', 'app proxy request rejected', {reason: check.reason});
  const shop = parseShopDomain(query.get('shop'));
  if (!check.valid || !shop) {
    res.status(401).json({error: 'invalid signature'});
    return;
  }
  if (!shopsRepo(ctx.appDb).get(shop)) {
    res.status(404).json({error: 'unknown shop'});
    return;
  }
  res.locals.proxyShop = shop;
  next();
}

/**
 * Liquid for Shopify to render in the theme's context (app proxy `application/liquid` responses). It is a
 * fragment, so `{% layout none %}` keeps Shopify from wrapping it in the theme layout:
 * https://shopify.dev/docs/api/liquid/tags/layout
 */
function liquidList(handles: string[]): string {
  const safe = handles.filter((h) => /^[a-z0-9][a-z0-9-]*$/.test(h));
  return [
    '{% layout none %}',
    `{%- assign pairwise_handles = '${safe.join(',')}' | split: ',' -%}`,
    '<ul class="pairwise-proxy-list">',
    '{%- for handle in pairwise_handles -%}{%- assign p = all_products[handle] -%}',
    '{%- if p.available -%}<li><a href="{{ p.url }}">{{ p.title | escape }}</a> {{ p.price | money }}</li>{%- endif -%}',
    '{%- endfor -%}',
    '</ul>',
    '',
  ].join('\n');
}

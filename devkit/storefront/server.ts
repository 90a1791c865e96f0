/**
 * The preview storefront: product and cart pages built around the REAL extension blocks, the Ajax Cart API the
 * blocks call (/cart/add, /cart/add.js with `sections`, /cart.js, /cart/change(.js), /cart/update.js attributes),
 * the Section Rendering API,
 * and `/apps/pairwise/*` either forwarded to the app server with a signed query, as Shopify's app proxy does, or
 * answered by a small stand-in built on `recommendationsFor`. Tests drive it with Chromium; the demo shows it.
 * Every storefront route, the app proxy included, also answers under a locale prefix (`/fr/...`) or, for a
 * market's subfolder store, only under that subfolder; `routes.root_url` is `/`, `/fr` or the subfolder, as
 * https://shopify.dev/docs/api/liquid/objects/routes gives it (no trailing slash under a prefix).
 */
import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import type {Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import express from 'express';
import type {Request, Response} from 'express';
import {Cart, CartError, parseAddJson, parseItemsForm} from './cart';
import type {AddRequest} from './cart';
import type {StorefrontDiscount} from './cart-discounts';
import {Catalog, isPublished} from './catalog';
import {Checkouts} from './checkout';
import type {CheckoutOptions} from './checkout';
import type {RecommendationsFor, StoreProduct} from './catalog';
import {blockSchema, extensionRoot, renderBlock, renderProxyLiquid, storefrontLocales} from './liquid';
import type {StorefrontGlobals, StorefrontLocale} from './liquid';
import {bubbleSection, cartMain, cartSection, drawerSection, layout, placeholderSvg, productMain, section} from './pages';
import type {PageContext} from './pages';
import {signProxyQuery} from './sign';
import {mountRealTheme} from './themes/storefront';
import type {RealThemeName} from './themes/theme-files';

export interface StorefrontEvent {
  type: string;
  block: string;
  anchor: number | null;
  product: number;
  /** The page's UUID and the event's number on it (null where the browser has no crypto.randomUUID). */
  id: string | null;
}

export interface PreviewStorefrontOptions {
  products: StoreProduct[];
  /** The `$app.recommendations` list of a product (ids, best first). Also feeds the proxy stand-in. */
  recommendationsFor: RecommendationsFor;
  /** `*.myshopify.com` domain; sent to the app proxy as `shop`. */
  shop: string;
  /** Origin of the app server (e.g. `http://127.0.0.1:3000`): `/apps/pairwise/x` goes to `<origin>/proxy/x`, signed. */
  proxyOrigin?: string;
  /** The app's API secret, which signs proxied requests. Required with `proxyOrigin`. */
  secret?: string;
  moneyFormat?: string;
  currency?: string;
  /** Adds a Dawn-like cart drawer to every page and turns the cart-drawer upsell app embed on. */
  drawer?: boolean;
  /**
   * Serve one market's subfolder store (`/<language>-<country>`, e.g. `/fr-ca`; subfolder web presences:
   * https://shopify.dev/docs/api/admin-graphql/latest/objects/MarketWebPresence): pages, cart, Ajax API and the
   * app proxy (`/fr-ca/apps/pairwise/*`) live only under it, in its language when the blocks have it. The preview
   * serves no other market, so a storefront path outside the subfolder gets 404; assets and images stand for the
   * CDN and stay at the root.
   */
  subfolder?: string;
  /**
   * The app's app-data metafields as the storefront renders them now (namespace -> key -> value), read on every
   * page so a test or the demo sees what the server last wrote to the stand-in:
   * https://shopify.dev/docs/apps/custom-data/metafields/app-data
   */
  appMetafields?: () => Record<string, Record<string, unknown>>;
  /**
   * The Customer Privacy API as `Shopify.loadFeatures` loads it (customer-privacy.js): `required` asks for
   * consent first with a banner (otherwise analytics is allowed, as where the merchant does not ask), and the API
   * is loaded `loadDelayMs` after it is asked for. Default: not required, 20 ms.
   */
  consent?: {required?: boolean; loadDelayMs?: number};
  /**
   * The theme the pages are rendered in: the minimal preview theme (default), or a real theme rendered from its
   * own source in `../shared/themes/<name>/` (product page, cart page and cart drawer; the product block placed
   * in the product section, the cart upsell app embed on).
   */
  theme?: 'minimal' | RealThemeName;
  /**
   * The shop's automatic app discounts, read on every cart view (the stand-in's `appDiscounts(shop)`): the cart
   * runs the app's Discount Function with them as Shopify's cart and checkout do.
   */
  discounts?: () => StorefrontDiscount[];
  /**
   * Checkout: the cart page's "Check out" and the product page's "Buy it now" (no cart) place an order, send it
   * to the app as a signed orders/create and show the Thank you page (checkout.ts).
   */
  checkout?: CheckoutOptions;
  /**
   * The app's web pixel settings as the stand-in holds them after webPixelCreate (undefined: no pixel), read on
   * every page: when set, pages run the pixel in the sandbox (pixel-sandbox.js), behind the consent it declares.
   */
  webPixel?: () => Record<string, string> | undefined;
  /** Merchant settings per block, merged over each schema's defaults. */
  settings?: Partial<Record<'frequently-bought-together' | 'cart-upsell' | 'cart-upsell-embed', Record<string, unknown>>>;
}

export interface PreviewStorefront {
  /** Starts listening (port 0 picks a free one) and resolves with the store's URL. */
  listen(port?: number, host?: string): Promise<string>;
  readonly url: string;
  /** Events the blocks sent to `/apps/pairwise/events` or the web pixel forwarded to `/pixel/events`, in order (also when they were forwarded to the app). */
  readonly events: StorefrontEvent[];
  /**
   * The path of every request the app proxy received (`/apps/pairwise/...`), in order, from pages and from the web
   * pixel's sandbox alike: what left the shoppers' browsers for Pairwise, as the store saw it.
   */
  readonly proxied: string[];
  /** A shopper's cart by its `cart` cookie, for checkout (`cart.toOrder`) in tests and the demo. */
  cartOf(token: string): Cart | undefined;
  close(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const themeJs = readFileSync(join(here, 'theme.js'), 'utf8');
const customerPrivacyJs = readFileSync(join(here, 'customer-privacy.js'), 'utf8');
const pixelSandboxJs = readFileSync(join(here, 'pixel-sandbox.js'), 'utf8');
const pixelWorkerJs = readFileSync(join(here, 'pixel-worker.js'), 'utf8');
// The web pixel extension's source and the real package it imports (its ES module build), served to the sandbox;
// the pixel's bare import is pointed at that build, as Shopify's bundler resolves it.
const pixelSource = join(here, '..', '..', 'extensions', 'pairwise-pixel', 'src');
const pixelPackage = join(createRequire(import.meta.url).resolve('@shopify/web-pixels-extension'), '..', 'build', 'esm');
const proxyPrefix = '/apps/pairwise';

/** Builds the preview storefront; nothing listens until `listen()`. */
export function createPreviewStorefront(opts: PreviewStorefrontOptions): PreviewStorefront {
  if (opts.proxyOrigin && !opts.secret) throw new Error('createPreviewStorefront: proxyOrigin needs the app secret');
  const subfolder = opts.subfolder ? /^\/([a-z]{2})-[a-z]{2}$/.exec(opts.subfolder) : null;
  if (opts.subfolder && !subfolder) throw new Error(`createPreviewStorefront: subfolder ${opts.subfolder} is not /<language>-<country>`);
  const catalog = new Catalog(opts.products, opts.recommendationsFor, subfolder ? `${subfolder[0]}/` : '/');
  const carts = new Map<string, Cart>();
  const events: StorefrontEvent[] = [];
  const proxied: string[] = [];
  const moneyFormat = opts.moneyFormat ?? '${{amount}}';
  const currency = opts.currency ?? 'USD';
  const app = express();
  let server: Server | undefined;
  let url = '';

  const cartOf = (req: Request, res: Response): Cart => {
    const token = /(?:^|;\s*)cart=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
    const existing = token ? carts.get(token) : undefined;
    if (existing) return existing;
    const cart = new Cart(catalog, opts.discounts);
    carts.set(cart.token, cart);
    res.append('Set-Cookie', `cart=${cart.token}; Path=/; SameSite=Lax`);
    return cart;
  };

  const headScripts = `<script src="/theme/customer-privacy.js" data-required="${opts.consent?.required === true}" data-delay="${opts.consent?.loadDelayMs ?? 20}"></script>`;
  const checkouts = opts.checkout ? new Checkouts(opts.checkout, opts.shop, catalog) : undefined;
  const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  /** The consent loader, then the pixel manager once the app's pixel is active. */
  const pageHeadScripts = () => {
    const pixel = opts.webPixel?.();
    return pixel ? `${headScripts}\n<script src="/pixel-sandbox/manager.js" data-shop="${attribute(opts.shop)}" data-settings="${attribute(JSON.stringify(pixel))}"></script>` : headScripts;
  };

  const localeOf = (req: Request): StorefrontLocale => (req.res?.locals.locale as StorefrontLocale | undefined) ?? 'en';

  /** `root` ends in `/` (what `Shopify.routes.root` holds); Liquid's `routes.root_url` does not, except `/` itself. */
  const context = (req: Request, cart: Cart): PageContext => {
    const locale = localeOf(req);
    const root = subfolder ? `${subfolder[0]}/` : locale === 'en' ? '/' : `/${locale}/`;
    return {shop: opts.shop, locale, root, currency, moneyFormat, cart, catalog, drawer: opts.drawer ?? false, headScripts: pageHeadScripts(), checkout: !!checkouts};
  };

  const globals = (ctx: PageContext, product?: StoreProduct): StorefrontGlobals => ({
    shop: {name: opts.shop, money_format: moneyFormat},
    cart: ctx.cart.liquid(),
    routes: {
      root_url: ctx.root === '/' ? '/' : ctx.root.slice(0, -1),
      cart_url: `${ctx.root}cart`,
      cart_add_url: `${ctx.root}cart/add`,
      cart_change_url: `${ctx.root}cart/change`,
    },
    product: product ? catalog.liquidProduct(product) : null,
    all_products: catalog.allProducts(),
    app: {
      metafields: Object.fromEntries(
        Object.entries(opts.appMetafields?.() ?? {}).map(([ns, keys]) => [ns, Object.fromEntries(Object.entries(keys).map(([k, value]) => [k, {value}]))]),
      ),
    },
  });

  const block = (name: keyof NonNullable<PreviewStorefrontOptions['settings']>, ctx: PageContext, product?: StoreProduct) =>
    renderBlock(name, globals(ctx, product), {locale: ctx.locale, settings: opts.settings?.[name]});

  const sections: Record<string, (ctx: PageContext) => string> = {
    'cart-icon-bubble': bubbleSection,
    'main-cart': cartSection,
    'cart-drawer': (ctx) => `<div id="CartDrawer" class="cart-drawer">${drawerSection(ctx)}</div>`,
  };
  const renderSections = (ids: unknown, ctx: PageContext) => {
    const list = (Array.isArray(ids) ? ids : String(ids ?? '').split(',')).map(String).filter((id) => id in sections);
    return Object.fromEntries(list.map((id) => [id, section(id, sections[id](ctx))]));
  };

  const page = async (req: Request, response: Response, title: string, main: string, stylesheets: string[]) => {
    const ctx = context(req, cartOf(req, response));
    const embed = ctx.drawer ? await block('cart-upsell-embed', ctx) : '';
    const sheets = [...stylesheets, ...(ctx.drawer ? [blockSchema('cart-upsell-embed').stylesheet ?? ''] : [])].filter(Boolean);
    response.type('html').send(layout(ctx, {title, main, stylesheets: sheets, embed}));
  };

  const sendCartError = (response: Response, err: unknown) => {
    if (!(err instanceof CartError)) throw err;
    response.status(err.status).json({status: err.status, message: 'Cart Error', description: err.description});
  };

  const isLocale = (code: string) => (storefrontLocales as readonly string[]).includes(code);
  const cdn = /^\/(assets|images|theme|pixel-sandbox)\/|^\/favicon\.ico$/;
  // Localized storefronts serve every route under /<locale>/, a subfolder store only under its subfolder;
  // Shopify.routes.root tells scripts which one.
  app.use((req, response, next) => {
    if (subfolder) {
      if (cdn.test(req.path)) return next();
      const rest = req.url.slice(subfolder[0].length);
      if (!req.url.startsWith(subfolder[0]) || !/^([/?]|$)/.test(rest)) return void response.status(404).type('text').send('not this market');
      if (isLocale(subfolder[1])) response.locals.locale = subfolder[1];
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
      return next();
    }
    const match = /^\/([a-z]{2})(\/.*|$)/.exec(req.url);
    if (match && isLocale(match[1]) && match[1] !== 'en') {
      response.locals.locale = match[1];
      req.url = match[2] || '/';
    }
    next();
  });

  const realTheme = opts.theme && opts.theme !== 'minimal' ? mountRealTheme(app, {
      theme: opts.theme,
      catalog,
      shop: opts.shop,
      currency,
      moneyFormat,
      cartOf,
      where: (req) => {
        const {locale, root} = context(req, cartOf(req, req.res!));
        return {locale, root};
      },
      blockGlobals: (req, cart, product) => globals(context(req, cart), product),
      blockSettings: (name) => opts.settings?.[name],
      embed: true,
      headScripts: pageHeadScripts,
      checkout: !!checkouts,
    }) : null;

  // The Section Rendering API: any page answers `?sections=a,b` (JSON) and `?section_id=a` (HTML).
  app.use((req, response, next) => {
    if (req.method !== 'GET' || !(req.query.sections || req.query.section_id)) return next();
    const ctx = context(req, cartOf(req, response));
    if (req.query.sections) return void response.json(renderSections(req.query.sections, ctx));
    const id = String(req.query.section_id);
    if (!(id in sections)) return void response.status(404).send('');
    response.type('html').send(section(id, sections[id](ctx)));
  });

  app.get('/favicon.ico', (_req, response) => void response.status(204).end());
  app.get('/theme/theme.js', (_req, response) => void response.type('js').send(themeJs));
  app.get('/theme/customer-privacy.js', (_req, response) => void response.type('js').send(customerPrivacyJs));
  app.get('/pixel-sandbox/manager.js', (_req, response) => void response.type('js').send(pixelSandboxJs));
  app.get('/pixel-sandbox/worker.js', (_req, response) => void response.type('js').send(pixelWorkerJs));
  app.get('/pixel-sandbox/pixel/:file', (req, response) => {
    const file = String(req.params.file);
    if (!/^[\w-]+\.js$/.test(file)) return void response.status(404).end();
    let source: string;
    try {
      source = readFileSync(join(pixelSource, file), 'utf8');
    } catch {
      return void response.status(404).end();
    }
    response.type('js').send(source.replace(/from '@shopify\/web-pixels-extension'/g, "from '/pixel-sandbox/web-pixels-extension/index.mjs'"));
  });
  app.get('/pixel-sandbox/web-pixels-extension/*path', (req, response) => {
    const file = ([] as string[]).concat(req.params.path as unknown as string[]).join('/');
    if (!/^[\w/-]+\.mjs$/.test(file) || file.includes('..')) return void response.status(404).end();
    response.type('js').sendFile(join(pixelPackage, file), (err) => err && !response.headersSent && response.status(404).end());
  });
  app.get('/assets/:file', (req, response) => {
    const file = String(req.params.file);
    if (!/^[\w.-]+\.(js|css)$/.test(file)) return void response.status(404).end();
    response.sendFile(join(extensionRoot, 'assets', file), (err) => err && !response.headersSent && response.status(404).end());
  });
  app.get('/images/:file', (req, response) => {
    const handle = String(req.params.file).replace(/\.svg$/, '');
    const product = catalog.byHandle.get(handle);
    if (!product) return void response.status(404).end();
    response.type('image/svg+xml').send(placeholderSvg(product.title));
  });

  app.get('/', (req, response) => {
    const list = opts.products
      .filter(isPublished)
      .map((p) => `<li><a href="${context(req, cartOf(req, response)).root}products/${encodeURIComponent(p.handle)}">${p.title.replace(/</g, '&lt;')}</a></li>`)
      .join('');
    return page(req, response, 'Home', `<h1>${opts.shop}</h1><ul>${list}</ul>`, []);
  });

  app.get('/products/:handle', async (req, response) => {
    const raw = String(req.params.handle);
    const json = raw.endsWith('.js');
    const product = catalog.byHandle.get(json ? raw.slice(0, -3) : raw);
    if (!product || !isPublished(product)) return void response.status(404).type(json ? 'json' : 'html').send(json ? '{"status":404}' : '<h1>Not found</h1>');
    if (json) return void response.json(catalog.ajaxProduct(product));
    const ctx = context(req, cartOf(req, response));
    const fbt = await block('frequently-bought-together', ctx, product);
    await page(req, response, product.title, productMain(ctx, product, fbt), [blockSchema('frequently-bought-together').stylesheet ?? '']);
  });

  app.get('/cart', async (req, response) => {
    const ctx = context(req, cartOf(req, response));
    const upsell = await block('cart-upsell', ctx);
    await page(req, response, 'Your cart', cartMain(ctx, upsell), [blockSchema('cart-upsell').stylesheet ?? '']);
  });

  // `/cart.json` is the same Ajax API answer under the other extension Shopify serves it at.
  app.get(['/cart.js', '/cart.json'], (req, response) => void response.json(cartOf(req, response).ajax(currency)));

  const body = express.text({type: () => true, limit: '64kb'});
  /** The requests of an add, whether the caller sent one item (answered with one line) and which sections to render. */
  const readAdd = (req: Request): {requests: AddRequest[]; single: boolean; sections?: unknown; sectionsUrl?: string} => {
    const text = typeof req.body === 'string' ? req.body : '';
    if (req.is('application/json')) {
      let parsed: Parameters<typeof parseAddJson>[0] & {sections?: unknown; sections_url?: unknown};
      try {
        parsed = JSON.parse(text || '{}') as typeof parsed;
      } catch {
        throw new CartError(400, 'Invalid JSON');
      }
      return {requests: parseAddJson(parsed), single: !Array.isArray(parsed.items), sections: parsed.sections, sectionsUrl: parsed.sections_url ? String(parsed.sections_url) : undefined};
    }
    const form = new URLSearchParams(text);
    return {requests: parseItemsForm(form), single: !form.has('items[][id]'), sections: form.get('sections') ?? undefined, sectionsUrl: form.get('sections_url') ?? undefined};
  };

  // Checkout. The cart's "Check out" posts to /cart with `checkout`, as Shopify's cart form does; "Buy it now"
  // posts the variant straight to checkout. Both end on the Thank you page, where the pixel hears checkout_completed.
  const thankYou = (req: Request, response: Response, token: string) => response.redirect(303, `${context(req, cartOf(req, response)).root}checkouts/${token}/thank-you`);
  app.post('/cart', body, async (req, response) => {
    const cart = cartOf(req, response);
    if (!checkouts || !new URLSearchParams(String(req.body ?? '')).has('checkout') || !cart.lines.length) return void response.redirect(303, `${context(req, cart).root}cart`);
    const done = await checkouts.fromCart((o) => cart.toOrder(o), cart.noteAttributes(), currency);
    carts.delete(cart.token);
    thankYou(req, response, done.token);
  });
  app.post('/checkouts/buy-now', body, async (req, response) => {
    const form = new URLSearchParams(String(req.body ?? ''));
    if (!checkouts) return void response.status(404).end();
    try {
      thankYou(req, response, (await checkouts.buyNow(Number(form.get('id')), Number(form.get('quantity') ?? 1), currency)).token);
    } catch {
      response.status(422).type('text').send('cannot buy that variant');
    }
  });
  app.get('/checkouts/:token/thank-you', async (req, response) => {
    const checkout = checkouts?.get(String(req.params.token));
    if (!checkout) return void response.status(404).type('html').send('<h1>Not found</h1>');
    const events = JSON.stringify([{name: 'checkout_completed', data: {checkout}}]).replace(/</g, '\\u003c');
    await page(req, response, 'Thank you', `<h1>Thank you!</h1><p>Order <span data-order-id>${checkout.order.id}</span> is confirmed.</p><script type="application/json" id="pixel-events">${events}</script>`, []);
  });

  // Without JavaScript: a plain form post, then the cart page, as Shopify does.
  app.post('/cart/add', body, (req, response) => {
    const cart = cartOf(req, response);
    try {
      cart.add(readAdd(req).requests);
      response.redirect(303, `${context(req, cart).root}cart`);
    } catch (err) {
      sendCartError(response, err);
    }
  });

  app.post('/cart/add.js', body, async (req, response) => {
    const cart = cartOf(req, response);
    try {
      const {requests, single, sections: asked, sectionsUrl} = readAdd(req);
      const added = cart.add(requests).map((line) => cart.ajaxLine(line));
      // A real theme renders its own sections; the minimal theme its few.
      const sectionHtml = asked ? {sections: realTheme ? await realTheme.renderSections(req, response, asked, sectionsUrl) : renderSections(asked, context(req, cart))} : {};
      response.json(single ? {...added[0], ...sectionHtml} : {items: added, ...sectionHtml});
    } catch (err) {
      sendCartError(response, err);
    }
  });

  // Cart attributes: JSON `{attributes: {...}}` or form fields `attributes[key]=value`; answered with the cart.
  app.post('/cart/update.js', body, (req, response) => {
    const cart = cartOf(req, response);
    try {
      let attributes: Record<string, unknown> = {};
      if (req.is('application/json')) {
        try {
          attributes = (JSON.parse(String(req.body || '{}')) as {attributes?: Record<string, unknown>}).attributes ?? {};
        } catch {
          throw new CartError(400, 'Invalid JSON');
        }
      } else {
        for (const [name, value] of new URLSearchParams(String(req.body ?? ''))) {
          const key = /^attributes\[([^\]]+)\]$/.exec(name)?.[1];
          if (key) attributes[key] = value;
        }
      }
      cart.updateAttributes(attributes);
      response.json(cart.ajax(currency));
    } catch (err) {
      sendCartError(response, err);
    }
  });

  const change = (req: Request) => {
    const fields: Record<string, unknown> =
      req.method === 'GET'
        ? (req.query as Record<string, unknown>)
        : req.is('application/json')
          ? (JSON.parse(String(req.body || '{}')) as Record<string, unknown>)
          : Object.fromEntries(new URLSearchParams(String(req.body ?? '')));
    const by = fields.line !== undefined ? {line: Number(fields.line)} : {id: fields.id as string | number};
    return {by, quantity: Number(fields.quantity)};
  };
  app.post('/cart/change.js', body, (req, response) => {
    const cart = cartOf(req, response);
    try {
      const {by, quantity} = change(req);
      cart.change(by, quantity);
      response.json(cart.ajax(currency));
    } catch (err) {
      sendCartError(response, err);
    }
  });
  const changeAndShowCart = (req: Request, response: Response) => {
    const cart = cartOf(req, response);
    try {
      const {by, quantity} = change(req);
      cart.change(by, quantity);
      response.redirect(303, `${context(req, cart).root}cart`);
    } catch (err) {
      sendCartError(response, err);
    }
  };
  app.get('/cart/change', changeAndShowCart);
  app.post('/cart/change', body, changeAndShowCart);

  // The app proxy. Shopify strips cookies and signs the query; so do we.
  app.all(`${proxyPrefix}/*rest`, express.raw({type: () => true, limit: '64kb'}), async (req, response) => {
    const rest = req.path.slice(proxyPrefix.length);
    proxied.push(req.path);
    const bodyBuffer = Buffer.isBuffer(req.body) && req.body.length ? req.body : undefined;
    // The blocks' funnel events, by either way a page sends them: straight, or forwarded by the web pixel.
    if ((rest === '/events' || rest === '/pixel/events') && req.method === 'POST' && bodyBuffer) {
      try {
        const parsed = JSON.parse(bodyBuffer.toString('utf8')) as {events?: StorefrontEvent[]};
        if (Array.isArray(parsed.events)) events.push(...parsed.events);
      } catch {
        // A malformed batch is the app's to reject; the preview only records what it can read.
      }
    }
    if (opts.proxyOrigin) {
      const query = signProxyQuery(new URLSearchParams(req.url.split('?')[1] ?? ''), {shop: opts.shop, secret: opts.secret!, pathPrefix: proxyPrefix});
      try {
        const upstream = await fetch(`${opts.proxyOrigin}/proxy${rest}?${query}`, {
          method: req.method,
          // Shopify's proxy forwards the shopper's IP, which the app's per-client limits key on.
          headers: {
            'X-Forwarded-For': req.get('x-forwarded-for') ?? req.socket.remoteAddress ?? '',
            ...(bodyBuffer ? {'Content-Type': req.get('content-type') ?? 'application/octet-stream'} : {}),
          },
          body: bodyBuffer ? new Uint8Array(bodyBuffer) : undefined,
        });
        const type = upstream.headers.get('content-type') ?? 'text/plain';
        response.status(upstream.status);
        const cacheControl = upstream.headers.get('cache-control');
        if (cacheControl) response.set('Cache-Control', cacheControl);
        if (!type.startsWith('application/liquid')) return void response.type(type).send(Buffer.from(await upstream.arrayBuffer()));
        // Shopify renders Liquid answers in the shopper's storefront, inside the theme layout unless they opt out.
        const ctx = context(req, cartOf(req, response));
        const {html, layout: themed} = await renderProxyLiquid(await upstream.text(), globals(ctx), {locale: ctx.locale});
        response.type('html').send(themed ? layout(ctx, {title: opts.shop, main: html, stylesheets: []}) : html);
      } catch {
        response.status(502).type('text').send('app proxy unreachable');
      }
      return;
    }
    if (rest === '/events' || rest === '/pixel/events') return void response.status(204).end();
    if (rest === '/recommendations' && req.method === 'GET') return void response.json(standInRecommendations(catalog, req));
    response.status(404).json({error: 'not found'});
  });

  return {
    get url() {
      return url;
    },
    events,
    proxied,
    cartOf: (token) => carts.get(token),
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server = app.listen(port, host, (err?: Error) => {
          if (err) {
            reject(err);
            return;
          }
          const address = server!.address() as AddressInfo;
          url = `http://${host}:${address.port}`;
          resolve(url);
        });
      });
    },
    async close() {
      if (!server) return;
      const s = server;
      server = undefined;
      await new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeAllConnections();
    },
  };
}

/** What the app's proxy route answers, computed from the same lists: the cart's companions, rank by rank. */
function standInRecommendations(catalog: Catalog, req: Request) {
  const ids = String(req.query.products ?? '')
    .split(',')
    .map(Number)
    .filter(Number.isInteger);
  const limit = Math.min(Number(req.query.limit) || 10, 50);
  const lists = ids.map((id) => catalog.recommendationsFor(id));
  const seen = new Set(ids);
  const products: {id: number; handle: string; score: number}[] = [];
  for (let rank = 0; rank < 20 && products.length < limit; rank++) {
    for (const list of lists) {
      const p = catalog.byId.get(list[rank]);
      if (!p || seen.has(p.id) || products.length >= limit) continue;
      seen.add(p.id);
      products.push({id: p.id, handle: p.handle, score: 1 / (rank + 1)});
    }
  }
  return {products};
}

/** A fresh random secret, for callers that start both the preview store and the app server. */
export const newProxySecret = (): string => randomBytes(24).toString('hex');

/**
 * Serves a real theme (Horizon, Dawn) in the preview storefront: its product and cart pages, the Section
 * Rendering API over its sections (https://shopify.dev/docs/api/ajax/section-rendering), its assets at a
 * CDN-like path, the bundle of its `{% stylesheet %}`/`{% javascript %}` bodies, and what Shopify injects
 * (`window.Shopify`, the standard actions runtime). The standard events module is served at
 * `/cdn/shopify/standard-events.js`; browsers reach it at Shopify's CDN address only through request routing
 * (tests route `https://cdn.shopify.com/storefront/standard-events.js` here).
 */
import type {Express, Request, Response} from 'express';
import {join} from 'node:path';
import type {Cart} from '../cart';
import type {Catalog, StoreProduct} from '../catalog';
import {isPublished} from '../catalog';
import type {StorefrontGlobals, StorefrontLocale} from '../liquid';
import {blockSchema, extensionRoot, renderBlock} from '../liquid';
import {cartObject, productObject} from './objects';
import {ThemeRenderer, acceleratedCheckoutJs, standardActionsJs, standardEventsJs} from './pages';
import type {RealThemeName} from './theme-files';

export const themeAssetBase = '/cdn/shop/t/1/assets/';
const compiledBase = '/cdn/shop/t/1/compiled_assets/';

export interface RealThemeDeps {
  theme: RealThemeName;
  catalog: Catalog;
  shop: string;
  currency: string;
  moneyFormat: string;
  cartOf(req: Request, res: Response): Cart;
  /** The page's locale and root (`/` or `/fr/`). */
  where(req: Request): {locale: StorefrontLocale; root: string};
  /** The Liquid globals the Pairwise blocks see (as in the minimal theme). */
  blockGlobals(req: Request, cart: Cart, product?: StoreProduct): StorefrontGlobals;
  blockSettings(name: 'frequently-bought-together' | 'cart-upsell' | 'cart-upsell-embed'): Record<string, unknown> | undefined;
  /** Whether the cart upsell app embed is on. */
  embed: boolean;
  /**
   * What Shopify's content_for_header adds besides `window.Shopify` on each page: the Customer Privacy loader,
   * and the web pixel manager once the app's pixel is active.
   */
  headScripts(): string;
  /** Whether the store checks out: product pages then offer the theme's own dynamic checkout ("Buy it now"). */
  checkout: boolean;
}

const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What the rest of the preview asks a mounted real theme: its sections, for the Ajax API's `sections` parameter. */
export interface MountedTheme {
  /** `sectionsUrl`: the page the sections are rendered for (the Ajax API's `sections_url`). */
  renderSections(req: Request, res: Response, ids: unknown, sectionsUrl?: string): Promise<Record<string, string | null>>;
}

export function mountRealTheme(app: Express, deps: RealThemeDeps): MountedTheme {
  const {catalog} = deps;
  const moneyWithCurrency = `${deps.moneyFormat} ${deps.currency}`;
  const renderer = new ThemeRenderer(deps.theme, (locale) => ({
    locale,
    moneyFormat: deps.moneyFormat,
    moneyWithCurrencyFormat: moneyWithCurrency,
    currency: deps.currency,
    assetUrl: (name) => `${themeAssetBase}${name}`,
  }), deps.checkout);

  /** The theme's Liquid globals on a page; `template` picks what the Section Rendering API renders against. */
  const themeGlobals = async (req: Request, res: Response, product?: StoreProduct) => {
    const cart = deps.cartOf(req, res);
    const {locale, root} = deps.where(req);
    const rootUrl = root === '/' ? '/' : root.slice(0, -1);
    const blockGlobals = deps.blockGlobals(req, cart, product);
    const productObj = product ? productObject(catalog, product, Number(req.query.variant) || undefined) : null;
    // The Pairwise product block, rendered by the extension's own engine, goes in through the app block hook.
    const appBlocks: Record<string, string> = {};
    if (product) {
      appBlocks.pairwise_fbt = await renderBlock('frequently-bought-together', blockGlobals, {
        locale,
        settings: deps.blockSettings('frequently-bought-together'),
        blockId: 'pairwise_fbt',
      });
    } else {
      appBlocks.pairwise_upsell = await renderBlock('cart-upsell', blockGlobals, {locale, settings: deps.blockSettings('cart-upsell'), blockId: 'pairwise_upsell'});
    }
    return {
      appBlocks,
      globals: {
        __app_blocks: appBlocks,
        shop: {
          name: deps.shop.replace(/\.myshopify\.com$/, ''),
          permanent_domain: deps.shop,
          money_format: deps.moneyFormat,
          money_with_currency_format: moneyWithCurrency,
          currency: deps.currency,
          enabled_currencies: [{iso_code: deps.currency, symbol: '$'}],
          url: '',
          secure_url: '',
          locale,
          brand: null,
          policies: [],
          customer_accounts_enabled: false,
          types: [],
          vendors: [],
        },
        cart: cartObject(catalog, cart, deps.currency),
        routes: {
          root_url: rootUrl,
          cart_url: `${root}cart`,
          cart_add_url: `${root}cart/add`,
          cart_change_url: `${root}cart/change`,
          cart_update_url: `${root}cart/update`,
          cart_clear_url: `${root}cart/clear`,
          search_url: `${root}search`,
          predictive_search_url: `${root}search/suggest`,
          product_recommendations_url: `${root}recommendations/products`,
          collections_url: `${root}collections`,
          all_products_collection_url: `${root}collections/all`,
          account_url: `${root}account`,
          account_login_url: `${root}account/login`,
          account_logout_url: `${root}account/logout`,
          account_register_url: `${root}account/register`,
          account_addresses_url: `${root}account/addresses`,
        },
        request: {
          locale: {iso_code: locale, primary: locale === 'en', root_url: rootUrl},
          design_mode: false,
          visual_preview_mode: false,
          page_type: product ? 'product' : 'cart',
          path: req.path,
          host: req.get('host'),
          origin: `${req.protocol}://${req.get('host')}`,
        },
        localization: {
          language: {iso_code: locale, endonym_name: locale},
          available_languages: [{iso_code: locale, endonym_name: locale}],
          country: {iso_code: 'US', name: 'United States', currency: {iso_code: deps.currency, symbol: '$'}},
          available_countries: [],
          market: {id: 1, handle: 'us'},
        },
        product: productObj,
        closest: {product: productObj, collection: null},
        page_title: product?.title ?? 'Cart',
        page_description: null,
        canonical_url: `${req.protocol}://${req.get('host')}${req.path}`,
        all_products: blockGlobals.all_products,
        collections: {},
        linklists: {},
        customer: null,
        powered_by_link: '',
        additional_checkout_buttons: false,
        app: blockGlobals.app,
      } as Record<string, unknown>,
      cart,
      locale,
      root,
    };
  };

  const header = (root: string, locale: string, stylesheets: string[]) => {
    const shopify = {shop: deps.shop, locale, currency: {active: deps.currency, rate: '1.0'}, country: 'US', routes: {root}, theme: {name: deps.theme, id: 1, role: 'main'}};
    return [
      `<script>window.Shopify = ${JSON.stringify(shopify).replace(/</g, '\\u003c')};</script>`,
      `<script type="module" src="/cdn/shopify/standard-actions.js"></script>`,
      ...(deps.checkout ? [`<script src="/cdn/shopify/accelerated-checkout.js" defer></script>`] : []),
      deps.headScripts(),
      `<link rel="stylesheet" href="${compiledBase}styles.css">`,
      `<script src="${compiledBase}scripts.js" defer></script>`,
      ...[...new Set(stylesheets)].map((s) => `<link rel="stylesheet" href="/assets/${esc(s)}">`),
    ].join('\n');
  };

  const embed = async (blockGlobals: StorefrontGlobals, locale: StorefrontLocale) =>
    deps.embed ? renderBlock('cart-upsell-embed', blockGlobals, {locale, settings: deps.blockSettings('cart-upsell-embed'), blockId: 'pairwise_upsell_embed'}) : '';

  const page = async (req: Request, res: Response, template: 'product' | 'cart', product?: StoreProduct) => {
    const g = await themeGlobals(req, res, product);
    const blockGlobals = deps.blockGlobals(req, g.cart, product);
    const sheets = [blockSchema(template === 'product' ? 'frequently-bought-together' : 'cart-upsell').stylesheet ?? '', ...(deps.embed ? [blockSchema('cart-upsell-embed').stylesheet ?? ''] : [])].filter(Boolean);
    const html = await renderer.renderPage(
      {template, globals: g.globals, header: header(g.root, g.locale, sheets), embeds: await embed(blockGlobals, g.locale)},
      g.locale,
    );
    res.type('html').send(html);
  };

  /** Sections by id, rendered against the page `sectionsUrl` names (a product page, else the cart). */
  const renderSections = async (req: Request, res: Response, ids: unknown, sectionsUrl: string = req.path) => {
    const handle = /^\/products\/([^/?]+)/.exec(sectionsUrl)?.[1];
    const product = handle ? catalog.byHandle.get(handle) : undefined;
    const g = await themeGlobals(req, res, product);
    const out: Record<string, string | null> = {};
    for (const id of (Array.isArray(ids) ? ids : String(ids ?? '').split(',')).map(String).filter(Boolean)) {
      out[id] = await renderer.renderSectionById(id, product ? 'product' : 'cart', g.locale, g.globals);
    }
    return out;
  };

  // The Section Rendering API: `?sections=a,b` (JSON) and `?section_id=a` (HTML), rendered against the page
  // the URL names (a product page or the cart).
  app.use(async (req, res, next) => {
    if (req.method !== 'GET' || !(req.query.sections || req.query.section_id)) return next();
    try {
      const handle = /^\/products\/([^/?]+)/.exec(req.path)?.[1];
      const product = handle ? catalog.byHandle.get(handle) : undefined;
      const template = product ? 'product' : 'cart';
      const g = await themeGlobals(req, res, product);
      const render = (id: string) => renderer.renderSectionById(id, template, g.locale, g.globals);
      if (req.query.section_id) {
        const html = await render(String(req.query.section_id));
        return void (html === null ? res.status(404).send('') : res.type('html').send(html));
      }
      const ids = String(req.query.sections).split(',').filter(Boolean);
      const out: Record<string, string | null> = {};
      for (const id of ids) out[id] = await render(id);
      res.json(out);
    } catch (err) {
      next(err);
    }
  });

  app.get(`${themeAssetBase}:file`, (req, res) => {
    const file = String(req.params.file);
    if (!/^[\w.-]+$/.test(file)) return void res.status(404).end();
    res.sendFile(renderer.files.path('assets', file), (err) => err && !res.headersSent && res.status(404).end());
  });
  app.get(`${compiledBase}styles.css`, (_req, res) => void res.type('css').send(renderer.files.compiledCss));
  app.get(`${compiledBase}scripts.js`, (_req, res) => void res.type('js').send(renderer.files.compiledJs));
  app.get('/cdn/shopify/standard-actions.js', (_req, res) => void res.type('js').send(standardActionsJs));
  app.get('/cdn/shopify/accelerated-checkout.js', (_req, res) => void res.type('js').send(acceleratedCheckoutJs));
  app.get('/cdn/shopify/standard-events.js', (_req, res) => void res.type('js').set('Access-Control-Allow-Origin', '*').send(standardEventsJs));
  app.get('/assets/:file', (req, res, next) => {
    const file = String(req.params.file);
    if (!/^[\w.-]+\.(js|css)$/.test(file)) return next();
    res.sendFile(join(extensionRoot, 'assets', file), (err) => err && next());
  });

  app.get('/products/:handle', async (req, res, next) => {
    const raw = String(req.params.handle);
    if (raw.endsWith('.js')) return next();
    const product = catalog.byHandle.get(raw);
    if (!product || !isPublished(product)) return next();
    try {
      await page(req, res, 'product', product);
    } catch (err) {
      next(err);
    }
  });
  app.get('/cart', async (req, res, next) => {
    try {
      await page(req, res, 'cart');
    } catch (err) {
      next(err);
    }
  });

  return {renderSections};
}

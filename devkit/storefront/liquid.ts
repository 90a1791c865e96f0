/**
 * Renders the REAL theme app extension files with liquidjs plus a small shim for the Shopify filters and tags
 * the blocks use (t, money, image_url, image_tag, asset_url, schema). What the shim cannot know (the CDN) it
 * maps onto the preview store's own routes.
 */
import {readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {Drop, Liquid} from 'liquidjs';
import type {TagToken, TopLevelToken} from 'liquidjs';
import type {LiquidImage, LiquidProduct} from './catalog';

export const extensionRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../extensions/pairwise');

export const storefrontLocales = ['en', 'fr', 'de', 'es', 'ja'] as const;
export type StorefrontLocale = (typeof storefrontLocales)[number];

export interface LiquidCartItem {
  product_id: number;
  variant_id: number;
  quantity: number;
  product: LiquidProduct | null;
  /** The unit price before discounts, in cents (Shopify's line item `original_price`). */
  original_price?: number;
}

/** The Liquid globals a block sees: `cart`, `shop`, `routes`, `app` and, on product pages, `product`. */
export interface StorefrontGlobals {
  shop: {name: string; money_format: string};
  cart: {items: LiquidCartItem[]; item_count: number; total_price: number};
  routes: {root_url: string; cart_url: string; cart_add_url: string; cart_change_url: string};
  product?: LiquidProduct | null;
  /** `all_products[handle]`, which app proxy Liquid answers use. */
  all_products?: Drop;
  /**
   * The `app` object: the app's app-data metafields (on its app installation) by namespace and key, each with
   * its parsed `value`, as https://shopify.dev/docs/api/liquid/objects/app gives them.
   */
  app?: {metafields: Record<string, Record<string, {value: unknown}>>};
}

export interface BlockSchema {
  name: string;
  target: string;
  stylesheet?: string;
  javascript?: string;
  settings: {id: string; type: string; default?: unknown}[];
}

type Kwarg = [string, unknown];

const localeFile = (locale: string, schema = false) =>
  join(extensionRoot, 'locales', `${locale === 'en' ? 'en.default' : locale}${schema ? '.schema' : ''}.json`);

/** A storefront or schema locale file as an object. */
export function readLocale(locale: string, schema = false): Record<string, unknown> {
  return JSON.parse(readFileSync(localeFile(locale, schema), 'utf8')) as Record<string, unknown>;
}

/** The `{% schema %}` JSON of a block file. */
export function blockSchema(block: string): BlockSchema {
  const source = readFileSync(join(extensionRoot, 'blocks', `${block}.liquid`), 'utf8');
  const match = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/.exec(source);
  if (!match) throw new Error(`blocks/${block}.liquid has no schema`);
  return JSON.parse(match[1]) as BlockSchema;
}

/** Formats cents with a Shopify money format, the same way the blocks' script does. */
export function formatMoney(cents: number, format: string): string {
  return format.replace(/\{\{\s*(\w+)\s*\}\}/, (_, kind: string) => {
    const comma = kind.includes('comma');
    const [whole, fraction] = (cents / 100).toFixed(kind.includes('no_decimals') ? 0 : 2).split('.');
    const sep = comma ? '.' : kind.includes('apostrophe') ? "'" : ',';
    return whole.replace(/\B(?=(\d{3})+(?!\d))/g, sep) + (fraction ? (comma ? ',' : '.') + fraction : '');
  });
}

const escapeAttr = (value: unknown) =>
  String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const sizedUrl = (src: string, width: number) => `${src}${src.includes('?') ? '&' : '?'}width=${width}`;

/** What `image_url` returns: prints as a URL and still knows its image, which `image_tag` needs. */
class ImageUrl extends Drop {
  constructor(
    readonly image: LiquidImage,
    readonly width: number,
  ) {
    super();
  }
  override toString() {
    return sizedUrl(this.image.src, this.width);
  }
  override valueOf() {
    return this.toString();
  }
}

function lookup(tree: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree);
}

/** A liquidjs engine that reads the extension's snippets and speaks the Shopify filters the blocks use. */
export function createEngine(locale: StorefrontLocale, moneyFormat: string, assetBase = '/assets/'): Liquid {
  const engine = new Liquid({root: join(extensionRoot, 'blocks'), partials: join(extensionRoot, 'snippets'), extname: '.liquid'});
  const strings = readLocale(locale);
  const fallback = readLocale('en');

  engine.registerFilter('t', (key: string, ...args: Kwarg[]) => {
    const found = lookup(strings, key) ?? lookup(fallback, key);
    if (typeof found !== 'string') return `translation missing: ${locale}.${key}`;
    const vars = Object.fromEntries(args);
    return found.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(vars[name] ?? ''));
  });
  engine.registerFilter('money', (cents: number) => formatMoney(Number(cents) || 0, moneyFormat));
  engine.registerFilter('asset_url', (name: string) => `${assetBase}${name}`);
  engine.registerFilter('image_url', (image: LiquidImage | null, ...args: Kwarg[]) => {
    if (!image) return '';
    const width = Number(Object.fromEntries(args).width ?? image.width);
    return new ImageUrl(image, width);
  });
  engine.registerFilter('image_tag', (url: ImageUrl | string, ...args: Kwarg[]) => {
    if (!(url instanceof ImageUrl)) return '';
    const opts = Object.fromEntries(args) as Record<string, unknown>;
    const {image, width} = url;
    const height = Math.round((width * image.height) / image.width);
    const attrs: Record<string, unknown> = {src: url.toString(), alt: opts.alt ?? image.alt};
    if (opts.widths) {
      attrs.srcset = String(opts.widths)
        .split(',')
        .map((w) => `${sizedUrl(image.src, Number(w))} ${Number(w)}w`)
        .join(', ');
    }
    Object.assign(attrs, {width, height});
    for (const name of ['loading', 'sizes', 'class'] as const) if (opts[name] !== undefined) attrs[name] = opts[name];
    return `<img ${Object.entries(attrs)
      .map(([k, v]) => `${k}="${escapeAttr(v)}"`)
      .join(' ')}>`;
  });
  // The schema is read by the theme editor, never rendered.
  engine.registerTag('schema', {
    parse(_token: TagToken, remainTokens: TopLevelToken[]) {
      for (let token = remainTokens.shift(); token; token = remainTokens.shift()) {
        if ((token as TagToken).name === 'endschema') return;
      }
      throw new Error('{% schema %} without {% endschema %}');
    },
    render() {
      return '';
    },
  });
  return engine;
}

/**
 * Renders an app proxy's `application/liquid` answer in the storefront's context, as Shopify does: inside the
 * theme's layout unless the Liquid says `{% layout none %}` (the `layout` option of the app-proxy `liquid`
 * helper, https://shopify.dev/docs/api/shopify-app-react-router/latest/authenticate/public/app-proxy, and
 * https://shopify.dev/docs/api/liquid/tags/layout). `layout` is false when it asked for none.
 */
export async function renderProxyLiquid(
  source: string,
  globals: StorefrontGlobals,
  opts: {locale: StorefrontLocale},
): Promise<{html: string; layout: boolean}> {
  const engine = createEngine(opts.locale, globals.shop.money_format);
  let layout = true;
  engine.registerTag('layout', {
    parse(token: TagToken) {
      if (token.args.trim() === 'none') layout = false;
    },
    render() {
      return '';
    },
  });
  const html = await engine.parseAndRender(source, globals, {globals});
  return {html, layout};
}

export interface RenderBlockOptions {
  locale?: StorefrontLocale;
  /** Merged over the schema's defaults. */
  settings?: Record<string, unknown>;
  blockId?: string;
  assetBase?: string;
}

/** Renders one extension block (`blocks/<name>.liquid`) the way a theme would place it. */
export async function renderBlock(name: string, globals: StorefrontGlobals, opts: RenderBlockOptions = {}): Promise<string> {
  const schema = blockSchema(name);
  const defaults = Object.fromEntries(schema.settings.map((s) => [s.id, s.default ?? (s.type === 'checkbox' ? false : null)]));
  const block = {
    id: opts.blockId ?? `${name.replace(/[^a-z]/g, '')}1`,
    settings: {...defaults, ...opts.settings},
    shopify_attributes: '',
  };
  const engine = createEngine(opts.locale ?? 'en', globals.shop.money_format, opts.assetBase);
  return engine.renderFile(name, {block, ...globals}, {globals});
}

/**
 * liquidjs speaking the Shopify Liquid a real theme uses (https://shopify.dev/docs/api/liquid): the theme tags
 * (section, sections, content_for, form, style, stylesheet, javascript, schema, doc) and the Shopify filters.
 * Filters are strict: a filter the themes use that the preview does not implement is registered to throw, and
 * an unknown one fails at parse (liquidjs `strictFilters`), so a page never renders blank where Shopify would
 * render something. `implementedFilters`/`unimplementedFilters` are what the theme-needs test checks.
 */
import {createHash} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {resolve as resolvePath} from 'node:path';
import {Drop, Liquid, Tokenizer, evalToken} from 'liquidjs';
import type {Context, Emitter, TagToken, TopLevelToken, Template} from 'liquidjs';
import {formatMoney} from '../liquid';
import type {ThemeFiles, NodeData, NodeSchema} from './theme-files';
import {ColorValue, FontValue} from './values';
import {ImageValue} from './objects';

type Kwarg = [string, unknown];
const kwargs = (args: unknown[]) => Object.fromEntries(args.filter((a): a is Kwarg => Array.isArray(a) && a.length === 2 && typeof a[0] === 'string'));

const escapeAttr = (value: unknown) =>
  String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** What a page render needs from outside the theme: the app blocks it places and the section node data. */
export interface ThemeRenderHooks {
  moneyFormat: string;
  moneyWithCurrencyFormat: string;
  currency: string;
  locale: string;
  assetUrl(name: string): string;
  /** Whether the store checks out: only then does `payment_button` host an accelerated checkout button. */
  checkout: boolean;
}

/** A section or block as Liquid sees it: `id`, `type`, `settings`, `blocks`, `shopify_attributes`. */
export class NodeValue extends Drop {
  readonly shopify_attributes = '';
  readonly type: string;
  readonly blocks: NodeValue[];
  readonly block_order: string[];
  readonly settings: Record<string, unknown>;
  constructor(
    readonly id: string,
    type: string,
    readonly data: NodeData,
    schema: NodeSchema,
    typed: (raw: Record<string, unknown>, schema: NodeSchema) => Record<string, unknown>,
    readonly childSchema: (type: string) => NodeSchema,
  ) {
    super();
    // An app block's type is `@app` in Liquid (its full `shopify://apps/...` address stays in the JSON).
    this.type = type.startsWith('shopify://apps/') ? '@app' : type;
    this.settings = typed(data.settings ?? {}, schema);
    this.block_order = data.block_order ?? Object.keys(data.blocks ?? {}).filter((k) => !data.blocks![k].static);
    this.blocks = this.block_order
      .filter((k) => data.blocks?.[k] && !data.blocks[k].disabled)
      .map((k) => new NodeValue(k, data.blocks![k].type, data.blocks![k], childSchema(data.blocks![k].type), typed, childSchema));
  }
  get 'app?'() {
    return this.type.startsWith('shopify://apps/');
  }
  /** `{% render block %}` of an app block names the block; the file system below resolves that name. */
  override toString() {
    return `${appBlockPrefix}${this.id}`;
  }
  override valueOf() {
    return this.toString();
  }
}

const appBlockPrefix = 'shopify-app-block:';

/** Filters the real themes use that the preview does not implement: each throws when a render reaches it. */
export const unimplementedFilters = [
  'payment_type_svg_tag',
  'login_button',
  'format_address',
  'model_viewer_tag',
  'video_tag',
  'media_tag',
  'external_video_url',
  'external_video_tag',
  'metafield_tag',
  'default_pagination',
  'avatar',
  'time_tag',
  'unit_price_with_measurement',
  'default_errors',
  'md',
  'text',
  'border',
  'this',
  'document',
  'line_items_for',
  'section',
] as const;

/** Tags the themes use that the preview parses but does not render: each throws when a render reaches it. */
export const unimplementedTags = [] as const;

/** Shopify tags the preview implements on top of liquidjs's standard ones. */
export const implementedTags = ['paginate', 'section', 'sections', 'content_for', 'form', 'style', 'stylesheet', 'javascript', 'schema', 'doc', 'render'] as const;

/** Shopify filters the preview implements on top of liquidjs's standard ones. */
export const implementedFilters = [
  't',
  'money',
  'money_with_currency',
  'money_without_currency',
  'money_without_trailing_zeros',
  'asset_url',
  'inline_asset_content',
  'stylesheet_tag',
  'script_tag',
  'image_url',
  'image_tag',
  'placeholder_svg_tag',
  'font_face',
  'font_modify',
  'font_url',
  'color_brightness',
  'color_modify',
  'color_lighten',
  'color_darken',
  'color_contrast',
  'color_to_rgb',
  'handleize',
  'handle',
  'standard_event_data',
  'item_count_for_variant',
  'payment_terms',
  'payment_button',
  'md5',
  'structured_data',
  'link_to',
  'preload_tag',
  'find_index',
  'json',
] as const;

const skipBody = (name: string) => ({
  parse(this: {name: string}, _token: TagToken, remain: TopLevelToken[]) {
    for (let token = remain.shift(); token; token = remain.shift()) {
      if ((token as TagToken).name === `end${name}`) return;
    }
    throw new Error(`{% ${name} %} without {% end${name} %}`);
  },
  render() {
    return '';
  },
});

/** Splits `a, b: c, 'd, e'` at top-level commas. */
function splitArgs(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const ch of args) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Tag arguments as positional expressions and `name: expression` pairs (names may hold dots and dashes). */
function parseArgs(liquid: Liquid, args: string) {
  const positional: ReturnType<Tokenizer['readValueOrThrow']>[] = [];
  const named: [string, ReturnType<Tokenizer['readValueOrThrow']>][] = [];
  for (const part of splitArgs(args)) {
    const m = /^([\w.-]+)\s*:\s*([\s\S]+)$/.exec(part);
    if (m && !/^['"]/.test(part)) named.push([m[1], new Tokenizer(m[2], liquid.options.operators).readValueOrThrow()]);
    else positional.push(new Tokenizer(part, liquid.options.operators).readValueOrThrow());
  }
  return {positional, named};
}

function* evalArgs(parsed: ReturnType<typeof parseArgs>, ctx: Context) {
  const positional: unknown[] = [];
  for (const p of parsed.positional) positional.push(yield evalToken(p, ctx));
  const named: Record<string, unknown> = {};
  for (const [k, v] of parsed.named) named[k] = yield evalToken(v, ctx);
  return {positional, named};
}

/**
 * A theme file's source with the bodies of schema, doc, stylesheet and javascript emptied (kept as newlines, so
 * error lines stay right): they render nothing and hold JSON or CSS that is not Liquid, which Shopify never
 * tokenizes as Liquid either (the bundle of stylesheet/javascript bodies is built from the raw files).
 */
function readSource(path: string): string {
  return readFileSync(path, 'utf8').replace(
    /({%-?\s*(schema|doc|stylesheet|javascript)\s*-?%})([\s\S]*?)({%-?\s*end\2\s*-?%})/g,
    (_m, open: string, _name: string, body: string, close: string) => `${open}${body.replace(/[^\n]/g, '')}${close}`,
  );
}

/** The scope key holding the section or block whose `content_for 'blocks'` is being rendered. */
const nodeKey = '__pairwise_preview_node';
/** The product a `{% form 'product', product %}` is for, kept on its `form` object for `payment_button` (not a Liquid field). */
const formProduct = Symbol('form product');

/**
 * `{{ form | payment_button }}` as https://shopify.dev/docs/api/liquid/filters/payment_button documents its output:
 * the `shopify-payment-button` container holding a `<shopify-accelerated-checkout>` element with its
 * recommended wallet, the `buy_it_now` fallback and the product's variants, and a skeleton until Shopify's
 * script (content_for_header) renders the button. The preview offers no wallet, so the element falls back to the
 * unbranded "Buy it now" (its script: injected/accelerated-checkout.js). A store that does not check out gets
 * nothing: no accelerated checkout to offer.
 */
function paymentButton(form: unknown, hooks: ThemeRenderHooks): string {
  const product = (form as {[formProduct]?: {id?: unknown; variants?: {id: unknown}[]; 'gift_card?'?: unknown}} | null)?.[formProduct];
  if (!hooks.checkout || !product) return '';
  const variants = (product.variants ?? []).map((v) => ({id: v.id, requiresShipping: product['gift_card?'] !== true}));
  const attrs = {
    recommended: 'null',
    fallback: JSON.stringify({supports_subs: true, supports_def_opts: true, name: 'buy_it_now', wallet_params: {}}),
    'buyer-country': 'US',
    'buyer-locale': hooks.locale,
    'buyer-currency': hooks.currency,
    'variant-params': JSON.stringify(variants),
  };
  return `<div data-shopify="payment-button" class="shopify-payment-button"><shopify-accelerated-checkout ${Object.entries(attrs).map(([k, v]) => `${k}="${escapeAttr(v)}"`).join(' ')}><div class="shopify-payment-button__button" role="button" disabled aria-hidden="true"><div class="shopify-payment-button__skeleton">&nbsp;</div></div></shopify-accelerated-checkout></div>`;
}

export interface ThemeEngine {
  liquid: Liquid;
  /** Renders one section of a template or group (`sections/<type>.liquid`) wrapped as Shopify wraps it. */
  renderSection(id: string, data: NodeData, scope: Record<string, unknown>): Promise<string>;
  typedSettings(raw: Record<string, unknown>, schema: NodeSchema): Record<string, unknown>;
  globalSettings(): Record<string, unknown>;
}

export function createThemeEngine(files: ThemeFiles, hooks: ThemeRenderHooks): ThemeEngine {
  const liquid = new Liquid({
    root: [files.path('sections'), files.path('blocks'), files.path('snippets'), files.path('layout')],
    partials: files.path('snippets'),
    extname: '.liquid',
    strictFilters: true,
    dynamicPartials: true,
    jsTruthy: false,
    cache: true,
    relativeReference: false,
    fs: {
      existsSync: (f: string) => f.startsWith(appBlockPrefix) || existsSync(f),
      exists: async (f: string) => f.startsWith(appBlockPrefix) || existsSync(f),
      readFileSync: (f: string) => (f.startsWith(appBlockPrefix) ? appBlockSource(f) : readSource(f)),
      readFile: async (f: string) => (f.startsWith(appBlockPrefix) ? appBlockSource(f) : readSource(f)),
      // `{% render block %}` hands the block itself over as the file name; its string is the app block's name.
      resolve: (dir: string, name: string, ext: string) => {
        const file = String(name);
        return file.startsWith(appBlockPrefix) ? file : resolvePath(dir, file.endsWith(ext) ? file : `${file}${ext}`);
      },
      sep: '/',
      contains: async () => true,
    },
  });
  // App blocks are rendered beforehand by the extension's own engine and handed in as `__app_blocks` by id.
  const appBlockHtml = (scope: object, id: string) => {
    const html = (scope as {__app_blocks?: Record<string, string>}).__app_blocks?.[id];
    if (html === undefined) throw new Error(`app block ${id} was placed but not rendered`);
    return html;
  };
  // `{% render block %}` of an app block (Dawn's `@app` branch) prints the HTML rendered for it beforehand.
  const appBlockSource = (f: string) => `{{ __app_blocks['${f.slice(appBlockPrefix.length).replace(/'/g, '')}'] }}`;

  // --- settings -----------------------------------------------------------------------------------------
  const palette = (raw: unknown) => {
    const colors = Object.fromEntries(Object.entries((raw ?? {}) as Record<string, string>).map(([k, v]) => [k, ColorValue.parse(v)]));
    return Object.assign(Object.values(colors).filter(Boolean), colors);
  };
  let globals: Record<string, unknown> | undefined;
  const resolveDefault = (value: unknown) => {
    // Colour defaults may refer to the palette: "{{ settings.color_palette.foreground }}".
    const m = typeof value === 'string' ? /^\{\{\s*settings\.([\w.]+)\s*\}\}$/.exec(value) : null;
    if (!m) return value;
    return m[1].split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], globals);
  };
  const typed = (raw: Record<string, unknown>, schema: NodeSchema | {settings?: NodeSchema['settings']}) => {
    const out: Record<string, unknown> = {};
    for (const s of schema.settings ?? []) {
      if (!s.id) continue;
      const value = s.id in raw ? raw[s.id] : resolveDefault(s.default);
      out[s.id] = typedValue(s.type, value);
    }
    for (const [k, v] of Object.entries(raw)) if (!(k in out)) out[k] = v;
    return out;
  };
  const schemes = () => {
    const raw = (files.settingsData.color_schemes ?? {}) as Record<string, {settings: Record<string, unknown>}>;
    const list = Object.entries(raw).map(([id, scheme]) => ({
      id,
      settings: Object.fromEntries(Object.entries(scheme.settings).map(([k, v]) => [k, ColorValue.parse(v) ?? v])),
      toString: () => id,
    }));
    return Object.assign(list, Object.fromEntries(list.map((s) => [s.id, s])));
  };
  let schemeList: ReturnType<typeof schemes> | undefined;
  const typedValue = (type: string, value: unknown): unknown => {
    if (value === undefined || value === null || value === '') return type === 'checkbox' ? false : value === '' ? '' : null;
    switch (type) {
      case 'color':
        return ColorValue.parse(value);
      case 'font_picker':
        return new FontValue(String(value));
      case 'color_palette':
        return palette(value);
      case 'color_scheme':
        return (schemeList ??= schemes())[String(value) as never] ?? null;
      case 'color_scheme_group':
        return (schemeList ??= schemes());
      case 'image_picker':
      case 'video':
      case 'collection':
      case 'product':
      case 'page':
      case 'blog':
      case 'article':
      case 'link_list':
        // Resource pickers the preview store has no resources for: nil, as a blank picker is in Shopify.
        return null;
      default:
        return value;
    }
  };
  const globalSettings = () => {
    if (globals) return globals;
    globals = {};
    const all = files.settingsSchema.flatMap((g) => g.settings ?? []);
    // Palette first: other colours default to its entries.
    for (const s of all.filter((x) => x.type === 'color_palette')) if (s.id) globals[s.id] = typedValue(s.type, files.settingsData[s.id] ?? s.default);
    Object.assign(globals, typed(files.settingsData, {settings: all.filter((x) => x.type !== 'color_palette')}));
    return globals;
  };

  // --- filters ------------------------------------------------------------------------------------------
  const lookup = (tree: unknown, key: string) =>
    key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree);
  liquid.registerFilter('t', (key: string, ...args: unknown[]) => {
    const vars = kwargs(args);
    let found = lookup(files.locale(hooks.locale), key) ?? lookup(files.locale('en'), key);
    if (found && typeof found === 'object' && 'count' in vars) {
      const forms = found as Record<string, string>;
      found = forms[Number(vars.count) === 1 ? 'one' : 'other'] ?? forms.other;
    }
    if (typeof found !== 'string') return `translation missing: ${hooks.locale}.${key}`;
    return found.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(vars[name] ?? ''));
  });
  const money = (cents: unknown, format: string) => formatMoney(Number(cents) || 0, format);
  liquid.registerFilter('money', (c: unknown) => money(c, hooks.moneyFormat));
  liquid.registerFilter('money_with_currency', (c: unknown) => money(c, hooks.moneyWithCurrencyFormat));
  liquid.registerFilter('money_without_currency', (c: unknown) => formatMoney(Number(c) || 0, '{{amount}}'));
  liquid.registerFilter('money_without_trailing_zeros', (c: unknown) => money(c, hooks.moneyFormat).replace(/[.,]00(?=\D*$)/, ''));
  liquid.registerFilter('asset_url', (name: string) => hooks.assetUrl(name));
  liquid.registerFilter('inline_asset_content', (name: string) => readFileSync(files.path('assets', String(name)), 'utf8'));
  // `preload: true` makes Shopify also send a Link preload header; the tag itself is the same.
  liquid.registerFilter('stylesheet_tag', (url: string) => `<link href="${escapeAttr(url)}" rel="stylesheet" type="text/css" media="all">`);
  liquid.registerFilter('preload_tag', (url: string, ...args: unknown[]) => {
    const attrs = Object.entries(kwargs(args)).map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
    return `<link href="${escapeAttr(url)}" rel="preload"${attrs}>`;
  });
  liquid.registerFilter('script_tag', (url: string) => `<script src="${escapeAttr(url)}" type="text/javascript"></script>`);
  liquid.registerFilter('handleize', (s: unknown) => String(s ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, ''));
  liquid.registerFilter('handle', (s: unknown) => String(s ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, ''));
  liquid.registerFilter('json', (v: unknown) => JSON.stringify(v ?? null, (_k, value: unknown) => (value instanceof ColorValue || value instanceof FontValue ? String(value) : value)).replace(/</g, '\\u003c'));

  // Images: image_url gives a CDN-style URL with the size asked for; image_tag an <img> with srcset.
  class ImageUrl {
    constructor(
      readonly image: ImageValue,
      readonly width: number | undefined,
      readonly height: number | undefined,
    ) {}
    toString() {
      const q = [this.width && `width=${this.width}`, this.height && `height=${this.height}`].filter(Boolean).join('&');
      return q ? `${this.image.src}${this.image.src.includes('?') ? '&' : '?'}${q}` : this.image.src;
    }
  }
  liquid.registerFilter('image_url', (image: unknown, ...args: unknown[]) => {
    if (!(image instanceof ImageValue)) return image ? String(image) : '';
    const o = kwargs(args);
    return new ImageUrl(image, o.width ? Number(o.width) : undefined, o.height ? Number(o.height) : undefined);
  });
  liquid.registerFilter('image_tag', (url: unknown, ...args: unknown[]) => {
    if (!(url instanceof ImageUrl)) return '';
    const o = kwargs(args);
    const {image} = url;
    const width = url.width ?? image.width;
    const height = Math.round(width / image.aspect_ratio);
    const sized = (w: number) => `${image.src}${image.src.includes('?') ? '&' : '?'}width=${w}`;
    const widths = o.widths ? String(o.widths).split(',').map(Number) : [width];
    const attrs: Record<string, unknown> = {src: url.toString(), alt: o.alt ?? image.alt, srcset: widths.map((w) => `${sized(w)} ${w}w`).join(', '), width, height};
    for (const [k, v] of Object.entries(o)) if (!['widths', 'alt', 'preload'].includes(k) && v !== null && v !== false) attrs[k] = v;
    return `<img ${Object.entries(attrs)
      .map(([k, v]) => `${k}="${escapeAttr(v)}"`)
      .join(' ')}>`;
  });
  liquid.registerFilter('placeholder_svg_tag', (name: unknown, cls?: unknown) =>
    `<svg class="${escapeAttr(cls ?? '')}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 525 525" data-placeholder="${escapeAttr(name)}"><rect width="525" height="525" fill="#eee"/></svg>`,
  );

  // Fonts: the preview has no font files, so font_face declares the family with local() sources only and
  // browsers fall back to the setting's fallback families.
  liquid.registerFilter('font_face', (font: unknown) => {
    if (!(font instanceof FontValue) || font.system) return '';
    return `@font-face { font-family: "${font.family}"; font-weight: ${font.weight}; font-style: ${font.style}; src: local("${font.family}"); }`;
  });
  liquid.registerFilter('font_modify', (font: unknown, attribute: string, value: string) => (font instanceof FontValue ? font.modify(attribute, String(value)) : null));
  liquid.registerFilter('font_url', () => '');

  // Colours: https://shopify.dev/docs/api/liquid/filters/color-filters
  const color = (c: unknown) => ColorValue.parse(c);
  liquid.registerFilter('color_brightness', (c: unknown) => Math.round((color(c)?.brightness() ?? 0) * 100) / 100);
  liquid.registerFilter('color_to_rgb', (c: unknown) => {
    const v = color(c);
    return v ? (v.alpha === 1 ? `rgb(${v.red}, ${v.green}, ${v.blue})` : `rgba(${v.red}, ${v.green}, ${v.blue}, ${v.alpha})`) : '';
  });
  liquid.registerFilter('color_modify', (c: unknown, attribute: string, value: unknown) => {
    const v = color(c);
    if (!v) return '';
    const n = Number(value);
    if (attribute === 'alpha') return ColorValue.of(v.red, v.green, v.blue, n);
    if (attribute === 'red') return ColorValue.of(n, v.green, v.blue, v.alpha);
    if (attribute === 'green') return ColorValue.of(v.red, n, v.blue, v.alpha);
    if (attribute === 'blue') return ColorValue.of(v.red, v.green, n, v.alpha);
    const hsl = v.toHsl();
    if (attribute === 'hue') return ColorValue.fromHsl(n, hsl.s, hsl.l, v.alpha);
    if (attribute === 'saturation') return ColorValue.fromHsl(hsl.h, n, hsl.l, v.alpha);
    if (attribute === 'lightness') return ColorValue.fromHsl(hsl.h, hsl.s, n, v.alpha);
    throw new Error(`color_modify: unknown attribute ${attribute}`);
  });
  const shiftLightness = (c: unknown, by: number) => {
    const v = color(c);
    if (!v) return '';
    const hsl = v.toHsl();
    return ColorValue.fromHsl(hsl.h, hsl.s, Math.max(0, Math.min(100, hsl.l + by)), v.alpha);
  };
  liquid.registerFilter('color_lighten', (c: unknown, n: unknown) => shiftLightness(c, Number(n)));
  liquid.registerFilter('color_darken', (c: unknown, n: unknown) => shiftLightness(c, -Number(n)));
  liquid.registerFilter('color_contrast', (a: unknown, b: unknown) => {
    const lum = (v: ColorValue) => {
      const ch = [v.red, v.green, v.blue].map((x) => {
        const s = x / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
    };
    const x = color(a);
    const y = color(b);
    if (!x || !y) return 0;
    const [hi, lo] = [lum(x), lum(y)].sort((p, q) => q - p);
    return Math.round(((hi + 0.05) / (lo + 0.05)) * 10) / 10;
  });

  // https://shopify.dev/docs/api/liquid/filters/standard_event_data: the payload a view event element sends.
  liquid.registerFilter('standard_event_data', (resource: unknown, kind: unknown) => {
    const r = resource as {id?: unknown; title?: unknown; items?: unknown[]; token?: unknown} | null;
    if (!r) return '{}';
    if (Array.isArray(r.items)) return JSON.stringify({cart: {id: `gid://shopify/Cart/${String(r.token)}`}, kind});
    return JSON.stringify({product: {id: `gid://shopify/Product/${String(r.id)}`, title: r.title}, kind});
  });
  liquid.registerFilter('item_count_for_variant', function (this: unknown, cart: unknown, variantId: unknown) {
    const items = ((cart as {items?: {variant_id: number; quantity: number}[]})?.items ?? []);
    return items.filter((i) => i.variant_id === Number(variantId)).reduce((n, i) => n + i.quantity, 0);
  });
  // The preview store has no Shop Pay Installments, for which Shopify renders nothing:
  // https://shopify.dev/docs/api/liquid/filters/payment_terms
  liquid.registerFilter('payment_terms', () => '');
  // find_index over plain values with one argument finds that value (Horizon's font sizes); otherwise it is
  // https://shopify.dev/docs/api/liquid/filters/find_index: the first item whose property equals the value.
  liquid.registerFilter('find_index', (list: unknown, property: unknown, ...rest: unknown[]) => {
    const items = Array.isArray(list) ? list : [];
    const index =
      rest.length === 0
        ? items.findIndex((item) => (item !== null && typeof item === 'object' ? Boolean((item as Record<string, unknown>)[String(property)]) : String(item) === String(property)))
        : items.findIndex((item) => String((item as Record<string, unknown>)?.[String(property)]) === String(rest[0]));
    return index < 0 ? null : index;
  });
  liquid.registerFilter('md5', (v: unknown) => createHash('md5').update(String(v ?? '')).digest('hex'));
  liquid.registerFilter('payment_button', (form: unknown) => paymentButton(form, hooks));
  liquid.registerFilter('link_to', (text: unknown, url: unknown, title?: unknown) =>
    `<a href="${escapeAttr(url)}"${title ? ` title="${escapeAttr(title)}"` : ''}>${String(text ?? '')}</a>`,
  );
  // https://shopify.dev/docs/api/liquid/filters/structured_data: schema.org JSON-LD of a product.
  liquid.registerFilter('structured_data', (resource: unknown) => {
    const p = resource as {title?: string; url?: string; variants?: {id: number; price: number; available: boolean; name: string}[]} | null;
    if (!p?.variants) return '{}';
    return JSON.stringify({
      '@context': 'http://schema.org/',
      '@type': 'Product',
      name: p.title,
      url: p.url,
      offers: p.variants.map((v) => ({
        '@type': 'Offer',
        name: v.name,
        price: (v.price / 100).toFixed(2),
        priceCurrency: hooks.currency,
        availability: `http://schema.org/${v.available ? 'InStock' : 'OutOfStock'}`,
      })),
    }).replace(/</g, '\\u003c');
  });
  for (const name of unimplementedFilters) {
    liquid.registerFilter(name, () => {
      throw new Error(`Liquid filter \`${name}\` is not implemented by the preview storefront`);
    });
  }

  // --- tags ---------------------------------------------------------------------------------------------
  for (const name of ['schema', 'doc', 'stylesheet', 'javascript']) liquid.registerTag(name, skipBody(name));
  // {% paginate list by n %}: the preview's lists fit one page, so the body renders once with a one-page
  // `paginate` object (https://shopify.dev/docs/api/liquid/objects/paginate).
  liquid.registerTag('paginate', {
    parse(token: TagToken, remain: TopLevelToken[]) {
      const m = /^\s*([\w.[\]'"-]+)\s+by\s+(\S+)/.exec(token.args);
      if (!m) throw new Error(`{% paginate ${token.args} %}: expected "<list> by <size>"`);
      this.list = new Tokenizer(m[1], liquid.options.operators).readValueOrThrow();
      this.size = new Tokenizer(m[2], liquid.options.operators).readValueOrThrow();
      this.templates = [] as Template[];
      const stream = liquid.parser.parseStream(remain);
      stream.on('tag:endpaginate', () => stream.stop()).on('template', (t: Template) => this.templates.push(t)).on('end', () => {
        throw new Error('{% paginate %} not closed');
      });
      stream.start();
    },
    *render(ctx: Context, emitter: Emitter) {
      const list = (yield evalToken(this.list as never, ctx)) as unknown[] | null;
      const size = Number((yield evalToken(this.size as never, ctx)) as unknown);
      const items = Array.isArray(list) ? list.length : 0;
      ctx.push({paginate: {current_page: 1, current_offset: 0, items, page_size: size, pages: Math.max(1, Math.ceil(items / size)), parts: [], previous: null, next: null, page_param: 'page'}});
      yield liquid.renderer.renderTemplates(this.templates as Template[], ctx, emitter);
      ctx.pop();
    },
  });
  // {% style %}: a <style data-shopify> element (https://shopify.dev/docs/api/liquid/tags/style).
  liquid.registerTag('style', {
    parse(_token: TagToken, remain: TopLevelToken[]) {
      this.templates = [] as Template[];
      const stream = liquid.parser.parseStream(remain);
      stream.on('tag:endstyle', () => stream.stop()).on('template', (t: Template) => this.templates.push(t)).on('end', () => {
        throw new Error('{% style %} not closed');
      });
      stream.start();
    },
    *render(ctx: Context, emitter: Emitter) {
      emitter.write('<style data-shopify>');
      yield liquid.renderer.renderTemplates(this.templates as Template[], ctx, emitter);
      emitter.write('</style>');
    },
  });
  // {% form 'type', object, attr: value %}: https://shopify.dev/docs/api/liquid/tags/form
  liquid.registerTag('form', {
    parse(token: TagToken, remain: TopLevelToken[]) {
      this.args = parseArgs(liquid, token.args);
      this.templates = [] as Template[];
      const stream = liquid.parser.parseStream(remain);
      stream.on('tag:endform', () => stream.stop()).on('template', (t: Template) => this.templates.push(t)).on('end', () => {
        throw new Error('{% form %} not closed');
      });
      stream.start();
    },
    *render(ctx: Context, emitter: Emitter) {
      const {positional, named} = (yield* evalArgs(this.args as ReturnType<typeof parseArgs>, ctx)) as {positional: unknown[]; named: Record<string, unknown>};
      const type = String(positional[0]);
      const routes = ctx.getSync(['routes']) as Record<string, string>;
      const base = routes.root_url.replace(/\/$/, '');
      // Newsletter and contact forms post to /contact, which the preview does not answer (it renders them only).
      const actions: Record<string, string> = {
        product: routes.cart_add_url,
        cart: routes.cart_url,
        localization: `${base}/localization`,
        customer: `${base}/contact${named.id ? `#${String(named.id)}` : ''}`,
        contact: `${base}/contact${named.id ? `#${String(named.id)}` : ''}`,
      };
      if (!(type in actions)) throw new Error(`{% form '${type}' %} is not implemented by the preview storefront`);
      const attrs: Record<string, unknown> = {method: 'post', action: actions[type], 'accept-charset': 'UTF-8'};
      if (type === 'product') attrs.enctype = 'multipart/form-data';
      for (const [k, v] of Object.entries(named)) {
        if (k === 'return_to') continue;
        if (v !== false && v !== null && v !== undefined) attrs[k] = v === true ? '' : v;
      }
      emitter.write(`<form ${Object.entries(attrs).map(([k, v]) => `${k}="${escapeAttr(v)}"`).join(' ')}><input type="hidden" name="form_type" value="${escapeAttr(type)}"><input type="hidden" name="utf8" value="✓">`);
      ctx.push({form: {errors: null, 'posted_successfully?': false, id: named.id ?? null, ...(type === 'product' ? {[formProduct]: positional[1]} : {})}});
      yield liquid.renderer.renderTemplates(this.templates as Template[], ctx, emitter);
      ctx.pop();
      emitter.write('</form>');
    },
  });

  const renderNode = async (folder: 'sections' | 'blocks', node: NodeValue, scope: Record<string, unknown>, ctxGlobals: object) => {
    const file = liquid.parseFileSync(files.path(folder, `${node.type}.liquid`));
    return liquid.render(file, {...scope, [folder === 'sections' ? 'section' : 'block']: node, [nodeKey]: node}, {globals: ctxGlobals});
  };
  const blockSchema = (type: string) => files.schema('blocks', type);

  // {% content_for 'blocks' %} and {% content_for 'block', type: 't', id: 'i' %}:
  // https://shopify.dev/docs/api/liquid/tags/content_for
  liquid.registerTag('content_for', {
    parse(token: TagToken) {
      this.args = parseArgs(liquid, token.args);
    },
    *render(ctx: Context, emitter: Emitter) {
      const {positional, named} = (yield* evalArgs(this.args as ReturnType<typeof parseArgs>, ctx)) as {positional: unknown[]; named: Record<string, unknown>};
      const parent = ctx.getSync([nodeKey]) as NodeValue | undefined;
      if (!parent) throw new Error('content_for outside a section or block');
      const section = ctx.getSync(['section']);
      const extra: Record<string, unknown> = {};
      const closest = {...((ctx.getSync(['closest']) as object | undefined) ?? {})} as Record<string, unknown>;
      for (const [k, v] of Object.entries(named)) {
        if (k.startsWith('closest.')) closest[k.slice(8)] = v;
        else if (k !== 'type' && k !== 'id') extra[k] = v;
      }
      const scope = {section, closest, ...extra};
      const globalsOf = ctx.globals;
      if (positional[0] === 'blocks') {
        for (const child of parent.blocks) {
          if (child.type === '@app') emitter.write(appBlockHtml(globalsOf, child.id));
          else emitter.write((yield renderNode('blocks', child, scope, globalsOf)) as string);
        }
        return;
      }
      if (positional[0] !== 'block') throw new Error(`content_for '${String(positional[0])}' is not implemented by the preview storefront`);
      const id = String(named.id);
      const type = String(named.type);
      const data: NodeData = parent.data.blocks?.[id] ?? {type, static: true, settings: {}};
      const child = new NodeValue(id, type, data, blockSchema(type), typed, blockSchema);
      emitter.write((yield renderNode('blocks', child, scope, globalsOf)) as string);
    },
  });

  const renderSection = async (id: string, data: NodeData, scope: Record<string, unknown>) => {
    const schema = files.schema('sections', data.type);
    const node = new NodeValue(id, data.type, data, schema, typed, (type) =>
      schema.blocks?.find((b) => b.type === type) ?? blockSchema(type),
    );
    const html = await renderNode('sections', node, scope, scope);
    const tag = schema.tag ?? 'div';
    return `<${tag} id="shopify-section-${id}" class="shopify-section${schema.class ? ` ${schema.class}` : ''}">${html}</${tag}>`;
  };

  // {% section 'name' %} and {% sections 'group' %}: https://shopify.dev/docs/api/liquid/tags/section
  liquid.registerTag('section', {
    parse(token: TagToken) {
      (this as unknown as {value: unknown}).value = new Tokenizer(token.args, liquid.options.operators).readValueOrThrow();
    },
    *render(ctx: Context, emitter: Emitter) {
      const name = String((yield evalToken((this as unknown as {value: never}).value, ctx)) as unknown);
      emitter.write((yield renderSection(name, {type: name}, ctx.globals as Record<string, unknown>)) as string);
    },
  });
  liquid.registerTag('sections', {
    parse(token: TagToken) {
      (this as unknown as {value: unknown}).value = new Tokenizer(token.args, liquid.options.operators).readValueOrThrow();
    },
    *render(ctx: Context, emitter: Emitter) {
      const name = String((yield evalToken((this as unknown as {value: never}).value, ctx)) as unknown);
      const group = files.group(name);
      if (!group) return;
      for (const key of group.order) {
        const data = group.sections[key];
        if (data.disabled) continue;
        emitter.write((yield renderSection(`sections--${name}__${key}`, data, ctx.globals as Record<string, unknown>)) as string);
      }
    },
  });

  return {liquid, renderSection, typedSettings: typed, globalSettings};
}

/**
 * The checkout UI extension harness: each target of extensions/pairwise-checkout rendered in a real browser page
 * with the documented `shopify` API objects of that target (host.js), the extension's own module bundled by
 * esbuild as `shopify app build` bundles it, the Storefront API answered from the Shopify stand-in's products and
 * app-owned metafields (storefront-api.ts), and a checkout cart whose lines change only through
 * applyCartLinesChange. Tests drive it with Chromium; the bench times its first render.
 */
import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import type {IncomingMessage, Server, ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {build} from 'esbuild';
import {parse} from 'smol-toml';
import type {StoreProduct} from '../store-generator';
import {storefrontApi} from './storefront-api';
import type {StorefrontData} from './storefront-api';

export const EXTENSION_DIR = new URL('../../extensions/pairwise-checkout/', import.meta.url);

export type CheckoutTarget =
  | 'purchase.checkout.cart-line-list.render-after'
  | 'purchase.thank-you.block.render'
  | 'customer-account.order-status.block.render';

/** A page to render: the target, the checkout's (or order's) lines as product ids, the merchant's settings. */
export interface HarnessPage {
  target: CheckoutTarget;
  lines: number[];
  settings?: Record<string, string | number | boolean>;
  /** The buyer's language; the extension's strings come from its locale file for it (en when it has none). */
  language?: string;
  orderId?: string;
}

/** One cart change the extension asked for, as applyCartLinesChange received it. */
export interface RecordedChange {
  page: string;
  change: {type: string; merchandiseId?: string; quantity?: number; attributes?: {key: string; value: string}[]};
}

interface PageState {
  config: Record<string, unknown>;
  lines: Record<string, unknown>[];
}

/** The targets and their modules, read from the extension's shopify.extension.toml. */
export function extensionTargets(): Map<CheckoutTarget, string> {
  const toml = parse(readFileSync(new URL('shopify.extension.toml', EXTENSION_DIR), 'utf8')) as {extensions: {targeting: {target: CheckoutTarget; module: string}[]}[]};
  return new Map(toml.extensions[0].targeting.map((t) => [t.target, t.module]));
}

/**
 * Each target's module bundled as one ES module (minified, as shipped), by file name. `appUrl` stands in for the
 * app's URL the extension sends its events to (src/app-url.ts), so a test's events reach the test's server.
 */
export async function bundleExtension(appUrl?: string): Promise<Map<string, string>> {
  const modules = [...new Set(extensionTargets().values())];
  const result = await build({
    entryPoints: modules.map((m) => new URL(m, EXTENSION_DIR).pathname),
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    outdir: '/out',
    entryNames: '[name]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    target: 'es2020',
    logLevel: 'silent',
    plugins: appUrl
      ? [
          {
            name: 'app-url',
            setup(b) {
              b.onResolve({filter: /\/app-url$/}, () => ({path: 'app-url', namespace: 'harness'}));
              b.onLoad({filter: /.*/, namespace: 'harness'}, () => ({contents: `export const APP_URL = ${JSON.stringify(appUrl)};`, loader: 'js'}));
            },
          },
        ]
      : [],
  });
  return new Map(result.outputFiles.map((f) => [f.path.slice('/out/'.length), f.text]));
}

export class CheckoutHarness {
  readonly changes: RecordedChange[] = [];
  private readonly pages = new Map<string, PageState>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly data: StorefrontData & {sessionToken?: () => Promise<string>},
    private readonly bundles: Map<string, string>,
  ) {}

  /**
   * `sessionToken` signs what `shopify.sessionToken.get()` gives the page (as Shopify would, with the app's
   * secret); `appUrl` is where the extension's events go.
   */
  static async start(data: Omit<StorefrontData, 'origin'> & {appUrl?: string; sessionToken?: () => Promise<string>}): Promise<CheckoutHarness> {
    const bundles = await bundleExtension(data.appUrl);
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const harness = new CheckoutHarness(server, origin, {...data, origin}, bundles);
    const answer = storefrontApi(harness.data);
    server.on('request', (req, res) => {
      harness.handle(req, res, answer).catch((error: unknown) => send(res, 500, {error: String(error)}));
    });
    return harness;
  }

  /** Registers a page and returns its URL. */
  page(page: HarnessPage): string {
    const id = randomBytes(6).toString('hex');
    const module = extensionTargets().get(page.target);
    if (!module) throw new Error(`the extension has no module for ${page.target}`);
    const language = page.language ?? 'en';
    const locale = ['en', 'de', 'es', 'fr', 'ja'].includes(language) ? language : 'en';
    const file = locale === 'en' ? 'en.default.json' : `${locale}.json`;
    const translations = JSON.parse(readFileSync(new URL(`locales/${file}`, EXTENSION_DIR), 'utf8')) as Record<string, string>;
    const lines = page.lines.map((productId, i) => this.line(productId, i));
    this.pages.set(id, {
      lines,
      config: {
        id, target: page.target, module: module.replace(/^\.\/src\//, '').replace(/\.tsx?$/, '.js'), lines, translations,
        settings: page.settings ?? {}, language, extensionLanguage: locale, currency: this.data.currency,
        shop: {id: 'gid://shopify/Shop/1', name: 'Harness shop', myshopifyDomain: 'harness.myshopify.com', storefrontUrl: this.origin},
        orderId: page.orderId ?? 'gid://shopify/Order/1001',
      },
    });
    return `${this.origin}/page?id=${id}`;
  }

  /** The lines a page's checkout holds now. */
  lines(pageUrl: string): number[] {
    const state = this.pages.get(new URL(pageUrl).searchParams.get('id')!)!;
    return state.lines.map((l) => Number(String((l.merchandise as {product: {id: string}}).product.id).split('/').pop()));
  }

  /** Each target's bundle as the page loads it, by file name. */
  bundleTexts(): ReadonlyMap<string, string> {
    return this.bundles;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A CartLine as the checkout API documents it: https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/cart-apis/cart-lines-api */
  private line(productId: number, i: number): Record<string, unknown> {
    const p = this.product(productId);
    return {
      id: `gid://shopify/CartLine/${i + 1}`,
      quantity: 1,
      merchandise: {
        type: 'variant', id: `gid://shopify/ProductVariant/${p.variantId}`, title: p.title, selectedOptions: [], requiresShipping: true,
        product: {id: `gid://shopify/Product/${p.id}`, vendor: p.vendor, productType: p.productType},
      },
      cost: {totalAmount: {amount: Number(p.price), currencyCode: this.data.currency}},
      attributes: [],
      discountAllocations: [],
      lineComponents: [],
      parentRelationship: null,
    };
  }

  private product(id: number): StoreProduct {
    const p = [...this.data.products()].find((x) => x.id === id);
    if (!p) throw new Error(`no product ${id} in the harness store`);
    return p;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, answer: ReturnType<typeof storefrontApi>): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const parts = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/page') {
      res.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'});
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Checkout extension harness</title>
<script type="module">import {boot} from '/host.js'; boot();</script></head><body></body></html>`);
    } else if (url.pathname === '/host.js') {
      res.writeHead(200, {'Content-Type': 'text/javascript'});
      res.end(readFileSync(new URL('host.js', import.meta.url)));
    } else if (parts[0] === 'extension' && this.bundles.has(parts[1])) {
      res.writeHead(200, {'Content-Type': 'text/javascript'});
      res.end(this.bundles.get(parts[1]));
    } else if (parts[0] === 'config' && this.pages.has(parts[1])) {
      send(res, 200, this.pages.get(parts[1])!.config);
    } else if (url.pathname === '/storefront/api/2026-10/graphql.json' && req.method === 'POST') {
      send(res, 200, await answer(JSON.parse(await body(req))));
    } else if (parts[0] === 'cart' && parts[2] === 'change' && this.pages.has(parts[1]) && req.method === 'POST') {
      send(res, 200, this.applyChange(parts[1], JSON.parse(await body(req))));
    } else if (url.pathname === '/session-token' && this.data.sessionToken) {
      send(res, 200, {token: await this.data.sessionToken()});
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      send(res, 404, {error: 'not found'});
    }
  }

  /** applyCartLinesChange's addCartLine: one more line of a variant the shop sells; anything else is refused. */
  private applyChange(id: string, change: RecordedChange['change']): Record<string, unknown> {
    this.changes.push({page: id, change});
    const state = this.pages.get(id)!;
    const variant = Number(String(change.merchandiseId).split('/').pop());
    const p = [...this.data.products()].find((x) => x.variantId === variant && x.status === 'active' && x.available);
    if (change.type !== 'addCartLine' || !p || change.quantity !== 1) return {type: 'error', message: 'This change cannot be applied.'};
    const line = this.line(p.id, state.lines.length);
    line.attributes = change.attributes ?? [];
    state.lines = [...state.lines, line];
    return {type: 'success', lines: state.lines};
  }
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, {'Content-Type': 'application/json'});
  res.end(JSON.stringify(value));
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 1_000_000) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

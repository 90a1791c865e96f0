/**
 * A local stand-in for the parts of Shopify that Pairwise calls, for tests and the demo (Shopify cannot be
 * reached from here). It follows Shopify's documented request and response shapes:
 * - OAuth token exchange and refresh: see oauth.ts.
 * - GraphQL Admin API, `POST /admin/api/<version>/graphql.json` with `X-Shopify-Access-Token`
 *   (https://shopify.dev/docs/api/admin-graphql, https://shopify.dev/docs/api/usage/authentication):
 *   shop, products, orders, node/nodes, currentBulkOperation, bulkOperationRunQuery / bulkOperationCancel
 *   (bulk.ts, https://shopify.dev/docs/api/usage/bulk-operations/queries: ungrouped JSONL unless `groupObjects:
 *   true`, at most five bulk queries at a time per shop), metafieldsSet (at most 25 per call)
 *   and metafieldsDelete (https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet), with
 *   `$app:` namespaces resolving to `app--<app id>--...` (https://shopify.dev/docs/apps/build/custom-data/ownership).
 *   Every response carries `extensions.cost`; an empty bucket answers THROTTLED (cost.ts).
 * - `bulk_operations/finish` webhooks, signed as Shopify signs them, when `webhookUrl` is set.
 *
 * Which shop a request is for: the `X-Forwarded-Host` header (the app's fetch hook rewrites
 * `https://<shop>.myshopify.com/...` to this origin and keeps the original host there), else the `Host` header
 * when it is a myshopify.com domain. Unknown shops get 404, as a shop that does not exist does.
 */
import {mkdtempSync, rmSync, createReadStream} from 'node:fs';
import {createServer} from 'node:http';
import type {IncomingMessage, Server, ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Kind, execute, parse, validate} from 'graphql';
import type {DocumentNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, OperationDefinitionNode} from 'graphql';
import {productImageSvg} from '../store-generator';
import type {StoreOrder, StoreProduct} from '../store-generator';
import {sendWebhook, signedWebhook} from '../webhooks';
import {BulkRunner, MAX_CONCURRENT_BULK_QUERIES} from './bulk';
import {SINGLE_QUERY_MAX_COST, operationCost} from './cost';
import type {BucketOptions, ThrottleStatus} from './cost';
import {accessTokenEndpoint} from './oauth';
import type {OAuthApp, TokenStore} from './oauth';
import {discountStatus, discountsExtension} from './discounts';
import {webPixelsExtension} from './web-pixels';
import {buildAdminSchema, gid} from './resolvers';
import type {RequestContext} from './resolvers';
import {shopifyError} from './errors';
import {ShopState} from './state';
import type {BulkOperationRecord, MetafieldRecord} from './state';

export interface StandinOptions {
  apiKey: string;
  apiSecret: string;
  /** The app's numeric id, used in `app--<id>--<namespace>`. Default: derived from the api key. */
  appId?: number;
  scopes?: string[];
  /** Cost bucket per shop; Shopify's Standard plan is 2000 points restoring 100/s. */
  bucket?: Partial<BucketOptions>;
  accessTokenTtlS?: number;
  refreshTokenTtlS?: number;
  bulkStepDelayMs?: number;
  /** Bulk query operations at a time per shop; default five, as API 2026-01 and later allow. */
  maxConcurrentBulk?: number;
  /** Lines in the shuffle buffer of ungrouped bulk output (default 10,000). */
  bulkShuffleWindow?: number;
  /** The app's `/webhooks` URL; when set, `bulk_operations/finish` is delivered there. */
  webhookUrl?: string;
  port?: number;
}

export interface AppDiscountView {
  id: number;
  title: string;
  status: 'ACTIVE' | 'SCHEDULED' | 'EXPIRED';
  functionHandle: string;
  discountClasses: string[];
  combinesWith: {orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean};
  configuration: unknown;
}

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  shop: string | null;
  status: number;
  /** GraphQL: the operation name and root fields; OAuth: the grant type. */
  operationName?: string | null;
  rootFields?: string[];
  variables?: Record<string, unknown>;
  grantType?: string;
  throttled?: boolean;
}

export interface ShopSeed {
  products?: StoreProduct[];
  orders?: Iterable<StoreOrder>;
  name?: string;
  currency?: string;
}

export interface MetafieldView {
  productId: number;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';
const MAX_BODY = 1024 * 1024;

export class ShopifyStandin {
  readonly origin: string;
  readonly appId: number;
  readonly requests: RecordedRequest[] = [];
  private readonly shops = new Map<string, ShopState>();
  private readonly tokens: TokenStore = {access: new Map(), refresh: new Map()};
  private readonly schema: GraphQLSchema;
  private readonly bulk: BulkRunner;
  private readonly app: OAuthApp;
  private readonly bucket: BucketOptions;
  private readonly dir: string;
  private readonly pendingWebhooks = new Set<Promise<unknown>>();

  private constructor(private readonly server: Server, origin: string, private readonly options: StandinOptions) {
    this.origin = origin;
    this.appId = options.appId ?? (Number.parseInt(options.apiKey.replace(/[^0-9a-f]/gi, '').slice(0, 8) || '1', 16) % 9_000_000) + 1_000_000;
    this.app = {
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      scopes: options.scopes ?? ['read_orders', 'read_products', 'write_products', 'write_app_proxy', 'write_discounts', 'write_pixels', 'read_customer_events'],
      accessTokenTtlS: options.accessTokenTtlS ?? 3600,
      refreshTokenTtlS: options.refreshTokenTtlS ?? 90 * 86_400,
    };
    this.bucket = {maximumAvailable: 2000, restoreRate: 100, ...options.bucket};
    this.dir = mkdtempSync(join(tmpdir(), 'pairwise-standin-'));
    this.schema = buildAdminSchema([discountsExtension, webPixelsExtension]);
    this.bulk = new BulkRunner(this.schema, {
      dir: this.dir,
      stepDelayMs: options.bulkStepDelayMs ?? 20,
      maxConcurrent: options.maxConcurrentBulk ?? MAX_CONCURRENT_BULK_QUERIES,
      shuffleWindow: options.bulkShuffleWindow ?? 10_000,
      onFinish: (shop, op) => this.bulkFinished(shop, op),
    });
    server.on('request', (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, {errors: [{message: `stand-in bug: ${(error as Error).message}`}]});
      });
    });
  }

  /** Starts a stand-in on a loopback port. */
  static async start(options: StandinOptions): Promise<ShopifyStandin> {
    const server = createServer();
    server.listen(options.port ?? 0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const {port} = server.address() as AddressInfo;
    return new ShopifyStandin(server, `http://127.0.0.1:${port}`, options);
  }

  /** Adds (or replaces) a shop with its catalogue and order history. */
  addShop(domain: string, seed: ShopSeed = {}): ShopState {
    const shop = new ShopState(domain, seed.name ?? domain.replace(/\.myshopify\.com$/, ''), seed.currency ?? 'USD', this.bucket);
    for (const p of seed.products ?? []) shop.products.set(p.id, p);
    for (const o of seed.orders ?? []) shop.orders.push(o);
    this.shops.set(domain, shop);
    return shop;
  }

  /** New orders placed in the shop after seeding (the demo's live orders), visible to later queries. */
  addOrders(domain: string, orders: Iterable<StoreOrder>): void {
    const shop = this.shop(domain);
    for (const o of orders) shop.orders.push(o);
  }

  upsertProduct(domain: string, product: StoreProduct): void {
    this.shop(domain).products.set(product.id, product);
  }

  removeProduct(domain: string, productId: number): void {
    this.shop(domain).products.delete(productId);
  }

  /** The app-owned metafields a shop holds now, for assertions. */
  metafields(domain: string): MetafieldView[] {
    return [...this.shop(domain).metafields.values()]
      .sort((a, b) => a.ownerId - b.ownerId || a.key.localeCompare(b.key))
      .map((m: MetafieldRecord) => ({productId: m.ownerId, namespace: m.namespace, key: m.key, type: m.type, value: m.value}));
  }

  /**
   * The shop's automatic app discounts as checkout sees them: status now, function handle, combinations and the
   * `$app.function-configuration` metafield's JSON (undefined when absent or not JSON), which the preview
   * storefront hands to the function.
   */
  appDiscounts(domain: string): AppDiscountView[] {
    const namespace = `app--${this.appId}`;
    return [...this.shop(domain).discounts.values()].map((d) => {
      const field = d.metafields.find((m) => m.namespace === namespace && m.key === 'function-configuration');
      let configuration: unknown;
      try {
        configuration = field ? JSON.parse(field.value) : undefined;
      } catch {
        configuration = undefined;
      }
      return {id: d.id, title: d.title, status: discountStatus(d), functionHandle: d.functionHandle, discountClasses: [...d.discountClasses], combinesWith: {...d.combinesWith}, configuration};
    });
  }

  /** The settings of the app's web pixel on a shop (undefined until webPixelCreate): the preview storefront loads the pixel with them. */
  webPixelSettings(domain: string): Record<string, string> | undefined {
    const pixel = this.shops.get(domain)?.webPixel;
    return pixel && {...pixel.settings};
  }

  /** What a merchant does on Shopify's Discounts page: deletes the discount, whoever created it. */
  deleteDiscount(domain: string, id: number): boolean {
    return this.shop(domain).discounts.delete(id);
  }

  bulkOperations(domain: string): BulkOperationRecord[] {
    return [...this.shop(domain).bulkOperations.values()];
  }

  /**
   * Keeps the shop's bulk operations RUNNING (their files written, not yet COMPLETED) until the returned function
   * is called: a test holds the five places this way however slowly the machine runs.
   */
  holdBulkOperations(domain: string): () => void {
    const shop = this.shop(domain);
    let release!: () => void;
    shop.bulkHold = new Promise<void>((resolve) => (release = resolve));
    return () => {
      shop.bulkHold = null;
      release();
    };
  }

  /** Sets a shop's cost bucket (e.g. empty it to test throttling). */
  setBucket(domain: string, bucket: Partial<BucketOptions> & {currentlyAvailable?: number}): void {
    this.shop(domain).bucket.reset(bucket);
  }

  throttleStatus(domain: string): ThrottleStatus {
    return this.shop(domain).bucket.status();
  }

  /** Revokes every token of a shop, as uninstalling the app does. */
  revokeTokens(domain: string): void {
    for (const [value, token] of this.tokens.access) if (token.shop === domain) this.tokens.access.delete(value);
    for (const [value, token] of this.tokens.refresh) if (token.shop === domain) this.tokens.refresh.delete(value);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Waits for webhooks the stand-in is still delivering. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pendingWebhooks]);
  }

  async close(): Promise<void> {
    await this.settle();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, {recursive: true, force: true});
  }

  private shop(domain: string): ShopState {
    const shop = this.shops.get(domain);
    if (!shop) throw new Error(`the stand-in has no shop ${domain}; addShop it first`);
    return shop;
  }

  private shopFor(req: IncomingMessage): string | null {
    const forwarded = req.headers['x-forwarded-host'];
    const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? req.headers.host ?? '';
    const name = host.split(':')[0].toLowerCase();
    return name.endsWith('.myshopify.com') ? name : null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const domain = this.shopFor(req);
    const record: RecordedRequest = {at: Date.now(), method: req.method ?? 'GET', path: url.pathname, shop: domain, status: 0};
    this.requests.push(record);
    const reply = (status: number, body: unknown) => {
      record.status = status;
      json(res, status, body);
    };

    if (req.method === 'GET' && url.pathname.startsWith('/bulk-results/')) {
      const path = this.bulk.resultPath(url.pathname.slice('/bulk-results/'.length));
      if (!path) return reply(404, {errors: 'Not Found'});
      record.status = 200;
      res.writeHead(200, {'Content-Type': 'application/jsonl'});
      createReadStream(path).on('error', () => res.destroy()).pipe(res);
      return;
    }
    const image = /^\/cdn\/products\/([a-z0-9-]+)\.svg$/.exec(url.pathname);
    if (req.method === 'GET' && image) {
      const product = [...this.shops.values()].flatMap((s) => [...s.products.values()]).find((p) => p.handle === image[1]);
      if (!product) return reply(404, {errors: 'Not Found'});
      record.status = 200;
      res.writeHead(200, {'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=3600'});
      res.end(productImageSvg(product));
      return;
    }

    const shop = domain ? this.shops.get(domain) : undefined;
    if (!shop) return reply(404, {errors: 'Not Found'});
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      return reply(413, {errors: 'Request body too large'});
    }

    if (req.method === 'POST' && url.pathname === '/admin/oauth/access_token') {
      const params = parseParams(raw, req.headers['content-type']);
      if (!params) return reply(400, {error: 'invalid_request', error_description: 'The request body could not be read.'});
      record.grantType = params.grant_type;
      const result = await accessTokenEndpoint(params, shop, this.app, this.tokens);
      return reply(result.status, result.body);
    }

    const api = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/.exec(url.pathname);
    if (req.method !== 'POST' || !api) return reply(404, {errors: 'Not Found'});
    const tokenHeader = req.headers['x-shopify-access-token'];
    const token = typeof tokenHeader === 'string' ? this.tokens.access.get(tokenHeader) : undefined;
    if (!token || token.shop !== shop.domain || (token.expiresAt !== undefined && token.expiresAt < Date.now())) {
      return reply(401, {errors: INVALID_TOKEN});
    }
    let request: {query?: unknown; variables?: unknown; operationName?: unknown};
    try {
      request = JSON.parse(raw) as typeof request;
    } catch {
      return reply(400, {errors: {query: 'Required parameter missing or invalid'}});
    }
    if (typeof request.query !== 'string') return reply(400, {errors: {query: 'Required parameter missing or invalid'}});
    const variables = (request.variables && typeof request.variables === 'object' ? request.variables : {}) as Record<string, unknown>;
    record.variables = variables;
    const ctx: RequestContext = {
      shop, token, appId: this.appId, origin: this.origin,
      runBulkQuery: (query, groupObjects) => this.bulk.start(ctx, query, groupObjects),
      cancelBulk: (id) => this.bulk.cancel(shop, id),
    };
    const result = await this.graphql(ctx, request.query, variables, typeof request.operationName === 'string' ? request.operationName : undefined, record);
    reply(200, result);
  }

  private async graphql(ctx: RequestContext, query: string, variables: Record<string, unknown>, operationName: string | undefined, record: RecordedRequest): Promise<Record<string, unknown>> {
    const {bucket} = ctx.shop;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return {errors: [shopifyError(error as GraphQLError)], extensions: {cost: cost(0, 0, bucket.status())}};
    }
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
    record.operationName = operation?.name?.value ?? null;
    record.rootFields = operation?.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) ?? [];
    const invalid = validate(this.schema, document);
    if (invalid.length > 0 || !operation) {
      const errors = invalid.length > 0 ? invalid.map(shopifyError) : [{message: 'No operation named in the document.'}];
      return {errors, extensions: {cost: cost(0, 0, bucket.status())}};
    }
    const fragments = Object.fromEntries(document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]));
    const requested = operationCost(this.schema, operation, fragments, variables);
    if (requested > SINGLE_QUERY_MAX_COST) {
      return {
        errors: [{
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).`,
          extensions: {code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: SINGLE_QUERY_MAX_COST, documentation: 'https://shopify.dev/api/usage/rate-limits'},
        }],
        extensions: {cost: cost(requested, null, bucket.status())},
      };
    }
    if (!bucket.take(requested)) {
      record.throttled = true;
      return {
        errors: [{message: 'Throttled', extensions: {code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits'}}],
        extensions: {cost: cost(requested, null, bucket.status())},
      };
    }
    const result = await execute({schema: this.schema, document, operationName, variableValues: variables, contextValue: ctx});
    const actual = Math.min(requested, operationCost(this.schema, operation, fragments, variables, result.data as Record<string, unknown> | null));
    bucket.refund(requested - actual);
    const body: Record<string, unknown> = {};
    if (result.errors?.length) body.errors = result.errors.map(shopifyError);
    body.data = result.data ?? null;
    body.extensions = {cost: cost(requested, actual, bucket.status())};
    return body;
  }

  private bulkFinished(shop: ShopState, op: BulkOperationRecord): void {
    if (!this.options.webhookUrl) return;
    const signed = signedWebhook({
      topic: 'bulk_operations/finish',
      shop: shop.domain,
      secret: this.options.apiSecret,
      body: {
        admin_graphql_api_id: gid('BulkOperation', op.id),
        completed_at: op.completedAt,
        created_at: op.createdAt,
        error_code: op.errorCode?.toLowerCase() ?? null,
        status: op.status.toLowerCase(),
        type: 'query',
      },
    });
    const delivery = sendWebhook(this.options.webhookUrl, signed).catch(() => undefined);
    this.pendingWebhooks.add(delivery);
    void delivery.finally(() => this.pendingWebhooks.delete(delivery));
  }
}

const cost = (requested: number, actual: number | null, throttleStatus: ThrottleStatus) => ({
  requestedQueryCost: requested,
  actualQueryCost: actual,
  throttleStatus,
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {'Content-Type': 'application/json; charset=utf-8'});
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** OAuth bodies come as JSON (the Node library) or form-encoded (RFC 6749). */
function parseParams(raw: string, contentType: string | undefined): Record<string, string> | undefined {
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object') return undefined;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    return undefined;
  }
}

import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {RequestedTokenType, Session} from '@shopify/shopify-api';
import type {Shopify} from '@shopify/shopify-api';
import {generateStore} from '../../devkit/store-generator';
import {inventoryItemId} from '../../devkit/webhooks';
import {ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY, RUN_BULK_QUERY, BULK_OPERATION_STATUS} from '../../server/backfill/queries';
import {createShopify} from '../../server/shopify';
import {sessionToken} from '../../devkit/session-token';
import {ShopifyStandin} from '../../devkit/shopify-standin';

const SHOP = 'standin-test.myshopify.com';
const OTHER = 'other-shop.myshopify.com';
const apiKey = 'standin-test-key';
const apiSecret = 'standin-test-secret';
const store = generateStore({seed: 11, products: 60, orders: 300, customItemRate: 0.05});

let standin: ShopifyStandin;
let shopify: Shopify;
let session: Session;

beforeAll(async () => {
  standin = await ShopifyStandin.start({apiKey, apiSecret, bulkStepDelayMs: 30, bucket: {maximumAvailable: 2000, restoreRate: 100}});
  standin.addShop(SHOP, {products: store.products, orders: store.orders(), name: 'Standin Test'});
  standin.addShop(OTHER, {products: store.products.slice(0, 5)});
  shopify = createShopify({
    apiKey, apiSecret, appUrl: new URL('http://127.0.0.1'), scopes: ['read_orders', 'read_products', 'write_products'],
    port: 0, dataDir: '/nonexistent', adminOrigin: standin.origin,
  });
  const token = await sessionToken({shop: SHOP, apiKey, secret: apiSecret});
  ({session} = await shopify.auth.tokenExchange({shop: SHOP, sessionToken: token, requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true}));
});
afterAll(() => standin.close());

/** Raw HTTP as the rewritten library request would arrive: the shop in X-Forwarded-Host. */
async function post(path: string, body: unknown, headers: Record<string, string> = {}, shop = SHOP) {
  const res = await fetch(`${standin.origin}${path}`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Forwarded-Host': shop, ...headers},
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {status: res.status, body: (await res.json()) as Record<string, any>}; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

const graphql = (query: string, variables: Record<string, unknown> = {}, token = session.accessToken as string) =>
  post('/admin/api/2026-10/graphql.json', {query, variables}, {'X-Shopify-Access-Token': token});

describe('token exchange (through @shopify/shopify-api)', () => {
  it('gives an expiring offline token with a refresh token', () => {
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.isOnline).toBe(false);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.expires!.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(session.refreshTokenExpires!.getTime()).toBeGreaterThan(Date.now() + 80 * 86_400_000);
    expect(session.scope).toBe('read_orders,read_products,write_products,write_app_proxy,write_discounts,write_pixels,read_customer_events');
  });

  it('gives an online token for the staff member in `sub`', async () => {
    const token = await sessionToken({shop: SHOP, apiKey, secret: apiSecret, sub: '777'});
    const online = await shopify.auth.tokenExchange({shop: SHOP, sessionToken: token, requestedTokenType: RequestedTokenType.OnlineAccessToken});
    expect(online.session.isOnline).toBe(true);
    expect(online.session.onlineAccessInfo?.associated_user.id).toBe(777);
  });

  it('refreshes, and a used refresh token stops working', async () => {
    const token = await sessionToken({shop: SHOP, apiKey, secret: apiSecret});
    const first = await shopify.auth.tokenExchange({shop: SHOP, sessionToken: token, requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true});
    const refreshed = await shopify.auth.refreshToken({shop: SHOP, refreshToken: first.session.refreshToken!});
    expect(refreshed.session.accessToken).not.toBe(first.session.accessToken);
    expect(refreshed.session.refreshToken).not.toBe(first.session.refreshToken);
    const again = await post('/admin/oauth/access_token', {client_id: apiKey, client_secret: apiSecret, grant_type: 'refresh_token', refresh_token: first.session.refreshToken});
    expect(again).toEqual({status: 400, body: {error: 'invalid_grant', error_description: expect.any(String)}});
    expect((await graphql('{ shop { name } }', {}, refreshed.session.accessToken)).status).toBe(200);
  });

  it.each([
    {case: 'a token signed with another secret', token: {secret: 'wrong'}, status: 400, error: 'invalid_subject_token'},
    {case: 'a token for another app', token: {aud: 'other-app'}, status: 400, error: 'invalid_subject_token'},
    {case: 'an expired token', token: {expiresInS: -60}, status: 400, error: 'invalid_subject_token'},
    {case: 'a token for another shop', token: {shop: OTHER}, status: 400, error: 'invalid_subject_token'},
    {case: 'a wrong client secret', body: {client_secret: 'nope'}, status: 401, error: 'invalid_client'},
    {case: 'an unknown grant type', body: {grant_type: 'password'}, status: 400, error: 'unsupported_grant_type'},
    {case: 'an unknown requested token type', body: {requested_token_type: 'urn:x'}, status: 400, error: 'invalid_request'},
  ])('refuses $case', async ({token, body, status, error}) => {
    const subject = await sessionToken({shop: SHOP, apiKey, secret: apiSecret, ...token});
    const res = await post('/admin/oauth/access_token', {
      client_id: apiKey, client_secret: apiSecret, grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subject, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token', ...body,
    });
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(res.body.error_description).toEqual(expect.any(String));
  });

  it('answers 404 for a shop it does not know', async () => {
    expect((await post('/admin/oauth/access_token', {}, {}, 'nobody.myshopify.com')).status).toBe(404);
  });
});

describe('GraphQL Admin API', () => {
  it('answers shop with gid ids and a cost extension', async () => {
    const res = await graphql('query { shop { id name currencyCode myshopifyDomain } }');
    expect(res.status).toBe(200);
    expect(res.body.data.shop).toEqual({id: expect.stringMatching(/^gid:\/\/shopify\/Shop\/\d+$/), name: 'Standin Test', currencyCode: 'USD', myshopifyDomain: SHOP});
    expect(res.body.extensions.cost).toEqual({
      requestedQueryCost: 1, actualQueryCost: 1,
      throttleStatus: {maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100},
    });
  });

  it.each<{case: string; headers: Record<string, string>}>([
    {case: 'no token', headers: {}},
    {case: 'an unknown token', headers: {'X-Shopify-Access-Token': 'shpat_nope'}},
  ])('answers 401 with $case', async ({headers}) => {
    const res = await post('/admin/api/2026-10/graphql.json', {query: '{ shop { name } }'}, headers);
    expect(res).toEqual({status: 401, body: {errors: '[API] Invalid API key or access token (unrecognized login or wrong password)'}});
  });

  it("refuses one shop's token for another shop", async () => {
    const res = await post('/admin/api/2026-10/graphql.json', {query: '{ shop { name } }'}, {'X-Shopify-Access-Token': session.accessToken!}, OTHER);
    expect(res.status).toBe(401);
  });

  it.each([
    {case: 'an unknown field', query: '{ shop { name } customers(first: 1) { edges { node { id } } } }', message: /^Field 'customers' doesn't exist on type 'QueryRoot'$/},
    {case: 'a syntax error', query: '{ shop { name ', message: /Syntax Error/},
    {case: 'a connection without first or last', query: '{ products { edges { node { id } } } }', message: /you must provide one of first or last/},
    {case: 'a page over 250', query: '{ products(first: 251) { edges { node { id } } } }', message: /between 0 and 250/},
  ])('answers $case with a GraphQL error, not a crash', async ({query, message}) => {
    const res = await graphql(query);
    expect(res.status).toBe(200);
    expect(res.body.errors[0].message).toMatch(message);
    expect(res.body.extensions.cost).toBeDefined();
  });

  it('pages products with cursors, through the library client', async () => {
    const client = new shopify.clients.Graphql({session});
    const query = `query Page($after: String) { products(first: 25, after: $after) {
      edges { cursor node { id title handle status priceRangeV2 { minVariantPrice { amount currencyCode } } } }
      pageInfo { hasNextPage endCursor } } }`;
    type Page = {products: {edges: {node: {id: string}}[]; pageInfo: {hasNextPage: boolean; endCursor: string}}};
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: {data?: Page} = await client.request<Page>(query, {variables: {after}});
      ids.push(...res.data!.products.edges.map((e) => e.node.id));
      if (!res.data!.products.pageInfo.hasNextPage) break;
      after = res.data!.products.pageInfo.endCursor;
    }
    expect(ids).toEqual(store.products.map((p) => `gid://shopify/Product/${p.id}`));
  });
});

describe('bulk operations', () => {
  // Without the argument at all, as an app that never heard of it asks.
  const RUN_PLAIN = 'mutation Run($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message code } } }';

  async function runToCompletion(query: string, groupObjects?: boolean) {
    const started = groupObjects === undefined ? await graphql(RUN_PLAIN, {query}) : await graphql(RUN_BULK_QUERY, {query, groupObjects});
    const op = started.body.data.bulkOperationRunQuery;
    expect(op.userErrors).toEqual([]);
    const statuses = [op.bulkOperation.status];
    for (let i = 0; i < 200; i++) {
      const polled = await graphql(BULK_OPERATION_STATUS, {id: op.bulkOperation.id});
      const node = polled.body.data.node;
      if (statuses.at(-1) !== node.status) statuses.push(node.status);
      if (node.status === 'COMPLETED') {
        const current = await graphql('{ currentBulkOperation { id status objectCount url } }');
        expect(current.body.data.currentBulkOperation.id).toBe(op.bulkOperation.id);
        const lines = (await (await fetch(node.url)).text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any -- JSONL under test
        return {statuses, node, lines};
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('bulk operation never completed');
  }

  const orders = [...store.orders()];
  const lineCount = orders.reduce((n, o) => n + o.lines.length, 0);

  it('runs the orders query CREATED -> RUNNING -> COMPLETED, grouped when asked: children right after their parent', async () => {
    const {statuses, node, lines} = await runToCompletion(ORDERS_BULK_QUERY, true);
    expect(statuses).toEqual(['CREATED', 'RUNNING', 'COMPLETED']);
    expect(node.objectCount).toBe(String(orders.length + lineCount));
    expect(lines).toHaveLength(orders.length + lineCount);

    const first = orders[0];
    expect(lines[0]).toEqual({
      id: `gid://shopify/Order/${first.id}`, name: first.name, createdAt: first.createdAt, updatedAt: first.updatedAt,
      cancelledAt: null, currencyCode: 'USD', test: false, totalPriceSet: {shopMoney: {amount: expect.stringMatching(/^\d+\.\d\d$/)}},
      currentTotalPriceSet: {shopMoney: {amount: expect.stringMatching(/^\d+\.\d\d$/)}},
      customer: first.customerId === null ? null : {id: `gid://shopify/Customer/${first.customerId}`},
    });
    expect(lines[1]).toEqual({
      id: `gid://shopify/LineItem/${first.lines[0].id}`, quantity: first.lines[0].quantity, currentQuantity: first.lines[0].quantity,
      product: {id: `gid://shopify/Product/${first.lines[0].productId}`},
      variant: {id: `gid://shopify/ProductVariant/${first.lines[0].variantId}`},
      originalUnitPriceSet: {shopMoney: {amount: first.lines[0].price}}, customAttributes: [], discountAllocations: [],
      __parentId: `gid://shopify/Order/${first.id}`,
    });
    // Grouped: every child line is below its parent, with only its siblings in between.
    let parent: string | undefined;
    for (const line of lines) {
      if (line.__parentId === undefined) parent = line.id as string;
      else expect(line.__parentId).toBe(parent);
    }
    const parents = lines.filter((l) => !('__parentId' in l));
    expect(parents).toHaveLength(orders.length);
    const custom = lines.filter((l) => '__parentId' in l && l.product === null);
    expect(custom.length).toBe(orders.flatMap((o) => o.lines).filter((l) => l.productId === null).length);
    expect(custom.length).toBeGreaterThan(0);
  });

  it('writes ungrouped output by default (groupObjects: false since 2026-01): children before, after and far from their parent', async () => {
    const {node, lines} = await runToCompletion(ORDERS_BULK_QUERY);
    expect(node.objectCount).toBe(String(orders.length + lineCount));
    expect(lines).toHaveLength(orders.length + lineCount);
    const at = new Map(lines.map((l, i) => [l.id as string, i]));
    const children = lines.map((l, i) => ({l, i})).filter(({l}) => l.__parentId !== undefined);
    const distances = children.map(({l, i}) => i - at.get(l.__parentId as string)!);
    expect(distances.some((d) => d < 0)).toBe(true); // a child before its parent
    expect(distances.some((d) => d > 0)).toBe(true);
    expect(distances.some((d) => Math.abs(d) > 500)).toBe(true); // and far from it
    expect(distances.filter((d) => d < 0).length / distances.length).toBeGreaterThan(0.2);
    // Same objects as grouped output, each child still naming its parent.
    const byOrder = new Map(orders.map((o) => [`gid://shopify/Order/${o.id}`, o]));
    for (const {l} of children) {
      expect(byOrder.get(l.__parentId as string)!.lines.map((x) => `gid://shopify/LineItem/${x.id}`)).toContain(l.id);
    }
    expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
  });

  it('runs the products query with variants as child lines, each with its inventory item inside', async () => {
    const {lines} = await runToCompletion(PRODUCTS_BULK_QUERY, true);
    expect(lines).toHaveLength(store.products.length * 2);
    const p = store.products.find((x) => x.status === 'draft') ?? store.products[3];
    const i = lines.findIndex((l) => l.id === `gid://shopify/Product/${p.id}`);
    expect(lines[i]).toMatchObject({title: p.title, handle: p.handle, status: p.status.toUpperCase(), tags: p.tags, isGiftCard: false});
    expect(lines[i + 1]).toEqual({
      id: `gid://shopify/ProductVariant/${p.variantId}`, price: p.price, inventoryPolicy: 'DENY', inventoryQuantity: p.inventory,
      inventoryItem: {id: `gid://shopify/InventoryItem/${inventoryItemId(p)}`, tracked: true, updatedAt: p.updatedAt},
      __parentId: lines[i].id,
    });
    // A gift card's item is untracked, as its inventory_items webhook says.
    const card = store.products.find((x) => x.giftCard)!;
    expect(lines.find((l) => l.id === `gid://shopify/ProductVariant/${card.variantId}`)!.inventoryItem).toMatchObject({tracked: false});
  });

  it('writes ungrouped variant lines with the inventory item inside, never as a line of its own (an object, not a connection)', async () => {
    const {lines} = await runToCompletion(PRODUCTS_BULK_QUERY, false);
    expect(lines).toHaveLength(store.products.length * 2);
    expect(lines.filter((l) => String(l.id).includes('/InventoryItem/'))).toEqual([]);
    const variants = lines.filter((l) => l.__parentId !== undefined);
    expect(variants.every((l) => typeof (l.inventoryItem as {tracked?: unknown} | undefined)?.tracked === 'boolean')).toBe(true);
  });

  it.each([
    {case: 'a query that does not parse', query: '{ orders { edges { node { id }', message: /Invalid bulk query/},
    {case: 'an unknown field', query: '{ orders { edges { node { id nope } } } }', message: /^Invalid bulk query: Field 'nope' doesn't exist on type 'Order'$/},
    {case: 'no connection at the top', query: '{ shop { name } }', message: /at least one connection/},
  ])('refuses $case with userErrors', async ({query, message}) => {
    const res = await graphql(RUN_BULK_QUERY, {query});
    expect(res.body.data.bulkOperationRunQuery.bulkOperation).toBeNull();
    expect(res.body.data.bulkOperationRunQuery.userErrors[0]).toMatchObject({message: expect.stringMatching(message), code: 'INVALID'});
  });
});

describe('metafields', () => {
  const SET = `mutation Set($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) { metafields { id namespace key type value } userErrors { field message code elementIndex } } }`;
  const input = (productId: number, companions: number[]) => ({
    ownerId: `gid://shopify/Product/${productId}`, namespace: '$app:pairwise', key: 'recommendations',
    type: 'list.product_reference', value: JSON.stringify(companions.map((id) => `gid://shopify/Product/${id}`)),
  });
  const ids = store.products.map((p) => p.id);

  it('stores 25 at once under the app-owned namespace and reads them back', async () => {
    const batch = ids.slice(0, 25).map((id, i) => input(id, [ids[(i + 1) % ids.length], ids[(i + 2) % ids.length]]));
    const res = await graphql(SET, {metafields: batch});
    expect(res.body.data.metafieldsSet.userErrors).toEqual([]);
    expect(res.body.data.metafieldsSet.metafields).toHaveLength(25);
    expect(res.body.data.metafieldsSet.metafields[0].namespace).toBe(`app--${standin.appId}--pairwise`);
    expect(standin.metafields(SHOP)).toHaveLength(25);
    const read = await graphql(`query($id: ID!) { product(id: $id) { metafield(namespace: "$app:pairwise", key: "recommendations") { type value jsonValue } } }`, {id: batch[0].ownerId});
    expect(read.body.data.product.metafield).toEqual({type: 'list.product_reference', value: batch[0].value, jsonValue: JSON.parse(batch[0].value)});
  });

  it('refuses 26 in one call and stores none of them', async () => {
    const before = standin.metafields(SHOP).length;
    const res = await graphql(SET, {metafields: ids.slice(25, 51).map((id) => input(id, [ids[0]]))});
    expect(res.body.errors[0]).toMatchObject({message: 'The input array size of 26 is greater than the maximum allowed of 25.', extensions: {code: 'MAX_INPUT_SIZE_EXCEEDED'}});
    expect(standin.metafields(SHOP)).toHaveLength(before);
  });

  it.each([
    {case: 'a missing owner', metafield: input(1, [ids[0]]), field: 'ownerId', code: 'INVALID_VALUE'},
    {case: 'a reference to no product', metafield: input(ids[1], [123]), field: 'value', code: 'INVALID_VALUE'},
    {case: 'a value that is not JSON', metafield: {...input(ids[1], []), value: '[gid'}, field: 'value', code: 'INVALID_VALUE'},
    {case: 'an unknown type', metafield: {...input(ids[1], []), type: 'list.banana'}, field: 'type', code: 'INVALID_TYPE'},
    {case: "another app's namespace", metafield: {...input(ids[1], []), namespace: 'app--1--pairwise'}, field: 'namespace', code: 'APP_NOT_AUTHORIZED'},
  ])('answers $case with userErrors and writes nothing', async ({metafield, field, code}) => {
    const before = standin.metafields(SHOP);
    const res = await graphql(SET, {metafields: [input(ids[40], [ids[41]]), metafield]});
    expect(res.body.data.metafieldsSet.userErrors).toEqual([{field: ['metafields', '1', field], message: expect.any(String), code, elementIndex: 1}]);
    expect(standin.metafields(SHOP)).toEqual(before);
  });

  it('deletes, answering null for what was not there', async () => {
    const res = await graphql(`mutation($m: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $m) { deletedMetafields { ownerId namespace key } userErrors { message } } }`, {
      m: [ids[0], ids[59]].map((id) => ({ownerId: `gid://shopify/Product/${id}`, namespace: '$app:pairwise', key: 'recommendations'})),
    });
    expect(res.body.data.metafieldsDelete.deletedMetafields).toEqual([
      {ownerId: `gid://shopify/Product/${ids[0]}`, namespace: `app--${standin.appId}--pairwise`, key: 'recommendations'},
      null,
    ]);
    expect(standin.metafields(SHOP).some((m) => m.productId === ids[0])).toBe(false);
  });
});

describe('cost and throttling', () => {
  const query = '{ products(first: 20) { edges { node { id title } } } }';

  it('throttles when the bucket is empty, then restores', async () => {
    standin.setBucket(SHOP, {maximumAvailable: 50, restoreRate: 200, currentlyAvailable: 30});
    const ok = await graphql(query);
    expect(ok.body.extensions.cost.requestedQueryCost).toBe(22);
    expect(ok.body.extensions.cost.throttleStatus).toMatchObject({maximumAvailable: 50, restoreRate: 200});
    standin.setBucket(SHOP, {currentlyAvailable: 5});
    const throttled = await graphql(query);
    expect(throttled.body).toEqual({
      errors: [{message: 'Throttled', extensions: {code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits'}}],
      extensions: {cost: {requestedQueryCost: 22, actualQueryCost: null, throttleStatus: {maximumAvailable: 50, currentlyAvailable: expect.any(Number), restoreRate: 200}}},
    });
    expect(throttled.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(22);
    await new Promise((r) => setTimeout(r, 150));
    expect((await graphql(query)).body.data.products.edges).toHaveLength(20);
    standin.setBucket(SHOP, {maximumAvailable: 2000, restoreRate: 100});
  });

  it('charges the actual cost when fewer nodes come back than asked for', async () => {
    const res = await graphqlFor(OTHER)('{ products(first: 250) { edges { node { id } } } }', await otherShopToken());
    expect(res.body.extensions.cost.requestedQueryCost).toBe(252);
    expect(res.body.extensions.cost.actualQueryCost).toBe(7);
  });

  it('refuses a single query costing over 1000', async () => {
    const res = await graphql('{ orders(first: 250) { edges { node { id lineItems(first: 10) { edges { node { id } } } } } } }');
    expect(res.body.errors[0].extensions.code).toBe('MAX_COST_EXCEEDED');
  });

  it('records requests for assertions', () => {
    const throttled = standin.requests.filter((r) => r.throttled);
    expect(throttled.length).toBeGreaterThan(0);
    expect(standin.requests.some((r) => r.grantType === 'refresh_token')).toBe(true);
    expect(standin.requests.some((r) => r.rootFields?.includes('metafieldsSet'))).toBe(true);
  });
});

async function otherShopToken(): Promise<string> {
  const token = await sessionToken({shop: OTHER, apiKey, secret: apiSecret});
  const res = await post('/admin/oauth/access_token', {
    client_id: apiKey, client_secret: apiSecret, grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: token, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
  }, {}, OTHER);
  return res.body.access_token as string;
}

// The shop's own token must not read another shop: graphql() sends to SHOP unless told otherwise.
function graphqlFor(shop: string) {
  return (query: string, token: string) => post('/admin/api/2026-10/graphql.json', {query}, {'X-Shopify-Access-Token': token}, shop);
}

describe('shops are isolated', () => {
  it("serves each shop's own data", async () => {
    const res = await graphqlFor(OTHER)('{ products(first: 50) { nodes { id } } }', await otherShopToken());
    expect(res.body.data.products.nodes).toHaveLength(5);
  });
});

describe('webhooks, expiry and images', () => {
  let second: ShopifyStandin;
  let receiver: ReturnType<typeof createServer>;
  const deliveries: {topic: string; valid: boolean; body: Record<string, unknown>}[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const check = await shopify.webhooks.validate({rawBody, rawRequest: req, rawResponse: res});
        deliveries.push({topic: String(req.headers['x-shopify-topic']), valid: check.valid, body: JSON.parse(rawBody)});
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const {port} = receiver.address() as AddressInfo;
    second = await ShopifyStandin.start({apiKey, apiSecret, accessTokenTtlS: 1, bulkStepDelayMs: 0, webhookUrl: `http://127.0.0.1:${port}/webhooks`});
    second.addShop(SHOP, {products: store.products.slice(0, 3)});
  });
  afterAll(async () => {
    await second.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  async function tokenFor(): Promise<Record<string, string>> {
    const subject = await sessionToken({shop: SHOP, apiKey, secret: apiSecret});
    const res = await fetch(`${second.origin}/admin/oauth/access_token`, {
      method: 'POST',
      headers: {'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-Host': SHOP},
      body: new URLSearchParams({
        client_id: apiKey, client_secret: apiSecret, grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: subject, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token', expiring: '1',
      }),
    });
    return (await res.json()) as Record<string, string>;
  }
  const ask = (token: string, query: string, variables = {}) => fetch(`${second.origin}/admin/api/2026-10/graphql.json`, {
    method: 'POST', headers: {'Content-Type': 'application/json', 'X-Forwarded-Host': SHOP, 'X-Shopify-Access-Token': token},
    body: JSON.stringify({query, variables}),
  });

  it('delivers a signed bulk_operations/finish webhook when an operation completes', async () => {
    const {access_token: token} = await tokenFor();
    const res = await (await ask(token, RUN_BULK_QUERY, {query: PRODUCTS_BULK_QUERY})).json() as {data: {bulkOperationRunQuery: {bulkOperation: {id: string}}}};
    const id = res.data.bulkOperationRunQuery.bulkOperation.id;
    for (let i = 0; i < 100 && deliveries.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await second.settle();
    expect(deliveries).toEqual([{
      topic: 'bulk_operations/finish', valid: true,
      body: {admin_graphql_api_id: id, completed_at: expect.any(String), created_at: expect.any(String), error_code: null, status: 'completed', type: 'query'},
    }]);
  });

  it('stops taking an expired access token, and serves placeholder images', async () => {
    const {access_token: token, expires_in: expiresIn} = await tokenFor();
    expect(expiresIn).toBe(1);
    expect((await ask(token, '{ shop { name } }')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await ask(token, '{ shop { name } }')).status).toBe(401);

    const image = await fetch(`${second.origin}/cdn/products/${store.products[0].handle}.svg`);
    expect(image.headers.get('content-type')).toBe('image/svg+xml');
    expect(await image.text()).toMatch(/^<svg /);
    expect((await fetch(`${second.origin}/cdn/products/nope.svg`)).status).toBe(404);
  });
});

describe('access scopes and cancelling', () => {
  let narrow: ShopifyStandin;
  let token = '';
  const ask = async (query: string, variables = {}) => {
    const res = await fetch(`${narrow.origin}/admin/api/2026-10/graphql.json`, {
      method: 'POST', headers: {'Content-Type': 'application/json', 'X-Forwarded-Host': SHOP, 'X-Shopify-Access-Token': token},
      body: JSON.stringify({query, variables}),
    });
    return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  };

  beforeAll(async () => {
    narrow = await ShopifyStandin.start({apiKey, apiSecret, scopes: ['read_products'], bulkStepDelayMs: 200});
    narrow.addShop(SHOP, {products: store.products, orders: store.orders()});
    const res = await fetch(`${narrow.origin}/admin/oauth/access_token`, {
      method: 'POST', headers: {'Content-Type': 'application/json', 'X-Forwarded-Host': SHOP},
      body: JSON.stringify({
        client_id: apiKey, client_secret: apiSecret, grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: await sessionToken({shop: SHOP, apiKey, secret: apiSecret}), subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
      }),
    });
    token = ((await res.json()) as {access_token: string}).access_token;
  });
  afterAll(() => narrow.close());

  it.each([
    {case: 'orders without read_orders', query: '{ orders(first: 1) { nodes { id } } }', message: /Access denied for orders field\. Required access: `read_orders`/},
    {case: 'metafieldsSet without write_products', query: 'mutation { metafieldsSet(metafields: []) { userErrors { message } } }', message: /Required access: `write_products`/},
  ])('denies $case', async ({query, message}) => {
    const res = await ask(query);
    expect(res.errors[0].message).toMatch(message);
    expect(res.errors[0].extensions.code).toBe('ACCESS_DENIED');
  });

  it('has no current bulk operation at first, and cancels a running one', async () => {
    expect((await ask('{ currentBulkOperation { id } }')).data.currentBulkOperation).toBeNull();
    const started = await ask(RUN_BULK_QUERY, {query: PRODUCTS_BULK_QUERY});
    const id = started.data.bulkOperationRunQuery.bulkOperation.id;
    const cancelled = await ask('mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { message } } }', {id});
    expect(cancelled.data.bulkOperationCancel).toEqual({bulkOperation: {id, status: 'CANCELING'}, userErrors: []});
    await new Promise((r) => setTimeout(r, 300));
    expect((await ask(BULK_OPERATION_STATUS, {id})).data.node).toMatchObject({status: 'CANCELED', url: null});
  });

  it('runs five bulk queries at a time per shop (2026-01 and later) and refuses a sixth with LIMIT_REACHED', async () => {
    const run = async () => (await ask(RUN_BULK_QUERY, {query: PRODUCTS_BULK_QUERY})).data.bulkOperationRunQuery;
    const settle = async (id: string) => {
      for (let i = 0; i < 200 && !['COMPLETED', 'CANCELED'].includes((await ask(BULK_OPERATION_STATUS, {id})).data.node.status); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const started = [];
    for (let i = 0; i < 5; i++) started.push(await run());
    expect(started.map((s) => s.userErrors)).toEqual([[], [], [], [], []]);
    // Each operation waits 200 ms before it runs: all five are still in progress.
    expect(await run()).toEqual({bulkOperation: null, userErrors: [{field: [], message: 'Bulk operations limit reached. Please try again later.', code: 'LIMIT_REACHED'}]});
    for (const s of started) await settle(s.bulkOperation.id);
    // A finished operation frees its place.
    const again = await run();
    expect(again.userErrors).toEqual([]);
    await settle(again.bulkOperation.id);
  });
});

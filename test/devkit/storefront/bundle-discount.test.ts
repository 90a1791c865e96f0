import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {sessionToken} from '../../../devkit/session-token';
import {ShopifyStandin} from '../../../devkit/shopify-standin';
import {createPreviewStorefront} from '../../../devkit/storefront';
import type {PreviewStorefront} from '../../../devkit/storefront';
import {orderPayload} from '../../../devkit/webhooks';
import {fixtureProducts, fixtureRecommendationsFor, fixtureShop} from '../../../devkit/storefront/fixture';

// The stand-in's discount mutations (GraphQL Admin API 2026-10: discountAutomaticAppCreate/Update,
// discountAutomaticDeactivate, automaticDiscountNode) and the preview cart, which runs the bundle discount
// function on every change and shows its allocations in /cart.js the way the Ajax Cart API documents them
// (https://shopify.dev/docs/api/ajax/reference/cart).

const apiKey = 'discount-test-key';
const apiSecret = 'discount-test-secret';
let standin: ShopifyStandin;
let store: PreviewStorefront;
let token: string;

async function tokenFor(shop: string, standinOrigin: string): Promise<string> {
  const subject = await sessionToken({shop, apiKey, secret: apiSecret});
  const res = await fetch(`${standinOrigin}/admin/oauth/access_token`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Forwarded-Host': shop},
    body: JSON.stringify({
      client_id: apiKey, client_secret: apiSecret, grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subject, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
    }),
  });
  return ((await res.json()) as {access_token: string}).access_token;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL JSON under test
async function graphql(query: string, variables: Record<string, unknown> = {}, origin = standin.origin, accessToken = token): Promise<any> {
  const res = await fetch(`${origin}/admin/api/2026-10/graphql.json`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Forwarded-Host': fixtureShop, 'X-Shopify-Access-Token': accessToken},
    body: JSON.stringify({query, variables}),
  });
  return res.json();
}

const CREATE = `mutation($input: DiscountAutomaticAppInput!) {
  discountAutomaticAppCreate(automaticAppDiscount: $input) {
    automaticAppDiscount { discountId title status combinesWith { productDiscounts orderDiscounts shippingDiscounts } discountClasses }
    userErrors { field message code }
  }
}`;
const NODE = `query($id: ID!) { automaticDiscountNode(id: $id) { id automaticDiscount { ... on DiscountAutomaticApp { status endsAt } }
  metafield(namespace: "$app", key: "function-configuration") { jsonValue } } }`;

const configuration = {percentage: 10, scope: 'companions', minimumItems: 2, message: 'Bought together: 10% off'};
const input = (over: Record<string, unknown> = {}) => ({
  title: 'Pairwise: buy together and save',
  functionHandle: 'pairwise-bundle-discount',
  discountClasses: ['PRODUCT'],
  combinesWith: {orderDiscounts: true, productDiscounts: false, shippingDiscounts: true},
  metafields: [{namespace: '$app', key: 'function-configuration', type: 'json', value: JSON.stringify(configuration)}],
  ...over,
});

beforeAll(async () => {
  standin = await ShopifyStandin.start({apiKey, apiSecret});
  standin.addShop(fixtureShop);
  token = await tokenFor(fixtureShop, standin.origin);
  store = createPreviewStorefront({
    products: fixtureProducts, recommendationsFor: fixtureRecommendationsFor, shop: fixtureShop,
    discounts: () => standin.appDiscounts(fixtureShop),
  });
  await store.listen();
});
afterAll(async () => {
  await store.close();
  await standin.close();
});

class Shopper {
  cookie = '';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- /cart.js JSON under test
  async send(path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${store.url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {'Content-Type': 'application/json', Accept: 'application/json', ...(this.cookie && {Cookie: this.cookie})},
      body: body ? JSON.stringify(body) : undefined,
    });
    this.cookie ||= (res.headers.get('set-cookie') ?? '').split(';')[0];
    return res.json();
  }
}

describe('discount mutations in the stand-in', () => {
  it('creates an active app discount with its metafield, and refuses an unknown function or bad JSON', async () => {
    const created = await graphql(CREATE, {input: input()});
    expect(created.data.discountAutomaticAppCreate.userErrors).toEqual([]);
    const discount = created.data.discountAutomaticAppCreate.automaticAppDiscount;
    expect(discount).toMatchObject({status: 'ACTIVE', discountClasses: ['PRODUCT'], combinesWith: {productDiscounts: false, orderDiscounts: true}});
    const node = await graphql(NODE, {id: discount.discountId});
    expect(node.data.automaticDiscountNode.metafield.jsonValue).toEqual(configuration);
    expect((await graphql(CREATE, {input: input({functionHandle: 'someone-else'})})).data.discountAutomaticAppCreate.userErrors[0].field).toEqual(['automaticAppDiscount', 'functionHandle']);
    const badJson = input({metafields: [{namespace: '$app', key: 'function-configuration', type: 'json', value: '{'}]});
    expect((await graphql(CREATE, {input: badJson})).data.discountAutomaticAppCreate.automaticAppDiscount).toBeNull();
    expect(standin.deleteDiscount(fixtureShop, Number(discount.discountId.split('/').pop()))).toBe(true);
    expect((await graphql(NODE, {id: discount.discountId})).data.automaticDiscountNode).toBeNull();
  });

  it('needs write_discounts', async () => {
    const narrow = await ShopifyStandin.start({apiKey, apiSecret, scopes: ['read_products']});
    narrow.addShop(fixtureShop);
    try {
      const res = await graphql(CREATE, {input: input()}, narrow.origin, await tokenFor(fixtureShop, narrow.origin));
      expect(res.errors[0].extensions.code).toBe('ACCESS_DENIED');
    } finally {
      await narrow.close();
    }
  });
});

describe('the preview cart runs the function', () => {
  it('discounts a companion next to its anchor, drops it when the anchor goes, and stops when deactivated', async () => {
    const {data} = await graphql(CREATE, {input: input()});
    const id = data.discountAutomaticAppCreate.automaticAppDiscount.discountId;
    const shopper = new Shopper();
    // Kettle (5900) lists filters (650) and dripper (2400); the filters list the dripper and the kettle; the dripper
    // lists the filters. One kettle, one dripper, two filters: every product is a companion of another in the cart.
    await shopper.send('/cart/add.js', {items: [{id: 10011, quantity: 1}, {id: 10031, quantity: 1}, {id: 10021, quantity: 2}]});
    let cart = await shopper.send('/cart.js');
    const byProduct = (c: typeof cart, product: number) => c.items.find((i: {product_id: number}) => i.product_id === product);
    expect(byProduct(cart, 1001).line_level_total_discount).toBe(590);
    expect(byProduct(cart, 1003).line_level_discount_allocations).toEqual([{amount: 240, discount_application: expect.objectContaining({type: 'automatic', title: configuration.message, value_type: 'percentage', value: '10.0', target_type: 'line_item'})}]);
    // Filters are a companion of the kettle (1 unit) and of the dripper (1 unit): both filters discounted, 65 each.
    expect(byProduct(cart, 1002).line_level_total_discount).toBe(130);
    expect(cart.total_discount).toBe(960);
    expect(cart.total_price).toBe(cart.original_total_price - 960);
    expect(byProduct(cart, 1002).final_line_price).toBe(1300 - 130);

    // Without the dripper, the filters remain a companion of the kettle alone (1 of 2 discounted), the kettle of the filters.
    await shopper.send('/cart/change.js', {id: byProduct(cart, 1003).key, quantity: 0});
    cart = await shopper.send('/cart.js');
    expect(byProduct(cart, 1002).line_level_discount_allocations.map((a: {amount: number}) => a.amount)).toEqual([65]);
    expect(byProduct(cart, 1001).line_level_total_discount).toBe(590);
    // A cart of the filters alone is no bundle.
    await shopper.send('/cart/change.js', {id: byProduct(cart, 1001).key, quantity: 0});
    cart = await shopper.send('/cart.js');
    expect(cart.total_discount).toBe(0);
    await shopper.send('/cart/add.js', {items: [{id: 10011, quantity: 1}]});
    expect((await shopper.send('/cart.js')).total_discount).toBe(655);

    const order = orderPayload(store.cartOf(shopper.cookie.split('=')[1])!.toOrder({id: 5001, name: '#5001', at: new Date().toISOString(), currency: 'USD', firstLineId: 70001}));
    expect(order.discount_applications).toEqual([{type: 'automatic', title: 'Pairwise: buy together and save', description: configuration.message, value: '10.0', value_type: 'percentage', allocation_method: 'each', target_selection: 'explicit', target_type: 'line_item'}]);
    const lines = order.line_items as {product_id: number; discount_allocations: unknown[]; total_discount: string}[];
    expect(lines.find((l) => l.product_id === 1002)!.discount_allocations).toEqual([{amount: '0.65', amount_set: {shop_money: {amount: '0.65', currency_code: 'USD'}, presentment_money: {amount: '0.65', currency_code: 'USD'}}, discount_application_index: 0}]);
    expect(order).toMatchObject({total_discounts: '6.55', total_line_items_price: '72.00', total_price: '65.45', subtotal_price: '65.45'});

    const off = await graphql(`mutation($id: ID!) { discountAutomaticDeactivate(id: $id) { automaticDiscountNode { automaticDiscount { ... on DiscountAutomaticApp { status } } } userErrors { message } } }`, {id});
    expect(off.data.discountAutomaticDeactivate.automaticDiscountNode.automaticDiscount.status).toBe('EXPIRED');
    cart = await shopper.send('/cart.js');
    expect(cart.total_discount).toBe(0);
    expect(cart.total_price).toBe(cart.original_total_price);
  });
});

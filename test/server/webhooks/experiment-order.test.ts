import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {armFor} from '../../../domain/experiment';
import {experimentOrdersRepo} from '../../../storage/repos/experiment-orders';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {parseShopDomain} from '../../../storage/shop-domain';
import {generateStore} from '../../../devkit/store-generator';
import {Cart} from '../../../devkit/storefront/cart';
import {Catalog} from '../../../devkit/storefront/catalog';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {orderPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';

// The visitor's cart attributes reach the stored order through a signed orders/create, and the stored arm is
// the one the server derives: the browser's _pairwise_arm is never read.

const SHOP = parseShopDomain('experiment-orders.myshopify.com')!;
const store = generateStore({seed: 3, orders: 4, products: 10});
const orders = [...store.orders()];
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({onInstalled: () => {}});
});
afterAll(async () => app?.close());

/** The note_attributes of a preview-storefront cart that got the attributes the block script sets. */
function noteAttributes(attributes: Record<string, string>) {
  const cart = new Cart(new Catalog([], () => []));
  cart.updateAttributes(attributes);
  return cart.noteAttributes();
}

async function placeOrder(index: number, note_attributes: unknown) {
  const order = orders[index];
  const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({
    topic: 'orders/create', shop: SHOP, secret: app.secret, body: orderPayload(order, {note_attributes}),
  }));
  expect(res.status).toBe(200);
  return experimentOrdersRepo(app.services.shopDbs.get(SHOP)).get(Number(order.id));
}

describe('orders/create and the experiment', () => {
  it('stores the visitor and the derived arm; a forged arm changes nothing; unknown periods and ids are left out', async () => {
    const period = experimentPeriodsRepo(app.services.shopDbs.get(SHOP)).forShare(0.5);
    let exposed = randomUUID();
    while (armFor(period, exposed) !== 'exposed') exposed = randomUUID();

    expect(await placeOrder(0, noteAttributes({_pairwise_visitor: exposed, _pairwise_period: String(period.period), _pairwise_arm: 'exposed'})))
      .toEqual({orderId: Number(orders[0].id), period: period.period, visitorId: exposed, arm: 'exposed', source: 'cart'});
    // The client claims holdout for a visitor the hash puts in the exposed arm.
    expect((await placeOrder(1, noteAttributes({_pairwise_visitor: exposed, _pairwise_period: String(period.period), _pairwise_arm: 'holdout'})))?.arm)
      .toBe('exposed');
    expect(await placeOrder(2, noteAttributes({_pairwise_visitor: exposed, _pairwise_period: '99'}))).toBeUndefined();
    expect(await placeOrder(3, noteAttributes({_pairwise_visitor: 'not-a-uuid', _pairwise_period: String(period.period)}))).toBeUndefined();
  });
});

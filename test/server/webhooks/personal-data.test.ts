import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../../devkit/store-generator';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {orderPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';

// orders/* webhooks carry protected customer data (https://shopify.dev/docs/apps/launch/protected-customer-data):
// the REST Order payload (https://shopify.dev/docs/api/admin-rest/latest/resources/order) has email, phone,
// contact_email, customer {first_name, last_name, email, phone, default_address}, billing_address and
// shipping_address {first_name, last_name, name, company, address1, address2, city, province, zip, country, phone},
// browser_ip and client_details. Pairwise keeps a salted hash of customer.id and nothing else of it.

const SHOP = 'private-shop.myshopify.com';
const CUSTOMER_ID = 7700112233445;
const PERSONAL = {
  firstName: 'Ottoline', lastName: 'Quargmire', email: 'ottoline.quargmire@example.net', phone: '+44 7700 900123',
  contactEmail: 'o.quargmire.contact@example.net', company: 'Quargmire Holdings', address1: '17 Marrowbone Lane',
  address2: 'Flat 9b', city: 'Wickhampton', zip: 'WX9 4QZ', shippingPhone: '+44 7700 900456', shipTo: 'Bartholomew Quargmire',
  ip: '203.0.113.77', note: 'Leave with Mrs Quargmire next door',
};
const address = (name: string, phone: string) => ({
  first_name: name.split(' ')[0], last_name: PERSONAL.lastName, name, company: PERSONAL.company, address1: PERSONAL.address1,
  address2: PERSONAL.address2, city: PERSONAL.city, province: 'Norfolk', province_code: 'NFK', zip: PERSONAL.zip,
  country: 'United Kingdom', country_code: 'GB', phone, latitude: 52.6, longitude: 1.7,
});

let app: TestApp;
const order = [...generateStore({seed: 3, orders: 1, products: 5}).orders()][0];

beforeAll(async () => {
  app = await startTestApp({onInstalled: () => {}, republish: () => {}});
});
afterAll(() => app?.close());

/** Every byte of every file the shop's data lives in (its db, WAL, shm) and of app.db. */
function storedBytes(): Buffer {
  const appFiles = readdirSync(app.dataDir).filter((f) => f.startsWith('app.db')).map((f) => join(app.dataDir, f));
  const shopFiles = readdirSync(join(app.dataDir, 'shops')).map((f) => join(app.dataDir, 'shops', f));
  return Buffer.concat([...appFiles, ...shopFiles].map((f) => readFileSync(f)));
}

describe('an order webhook full of personal data', () => {
  it('stores and logs none of it', async () => {
    const customer = {
      id: CUSTOMER_ID, email: PERSONAL.email, first_name: PERSONAL.firstName, last_name: PERSONAL.lastName, phone: PERSONAL.phone,
      note: PERSONAL.note, state: 'enabled', verified_email: true, default_address: {id: 1, customer_id: CUSTOMER_ID, default: true, ...address(`${PERSONAL.firstName} ${PERSONAL.lastName}`, PERSONAL.phone)},
    };
    const body = orderPayload({...order, customerId: CUSTOMER_ID}, {
      email: PERSONAL.email, contact_email: PERSONAL.contactEmail, phone: PERSONAL.phone, note: PERSONAL.note, browser_ip: PERSONAL.ip,
      client_details: {browser_ip: PERSONAL.ip, user_agent: 'Mozilla/5.0'}, customer,
      billing_address: address(`${PERSONAL.firstName} ${PERSONAL.lastName}`, PERSONAL.phone),
      shipping_address: address(PERSONAL.shipTo, PERSONAL.shippingPhone),
    });
    for (const topic of ['orders/create', 'orders/updated']) {
      expect((await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic, shop: SHOP, secret: app.secret, body}))).status).toBe(200);
    }
    const dataRequest = {shop_id: 1, shop_domain: SHOP, orders_requested: [order.id], customer: {id: CUSTOMER_ID, email: PERSONAL.email, phone: PERSONAL.phone}, data_request: {id: 4242}};
    expect((await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'customers/data_request', shop: SHOP, secret: app.secret, body: dataRequest}))).status).toBe(200);
    // The order is stored (so the scan looks at a file that holds it), linked to the customer by a hash only.
    const db = app.services.shopDbs.get(SHOP as never);
    expect(db.prepare('SELECT customer_hash FROM orders WHERE order_id = ?').get(order.id)).toMatchObject({customer_hash: expect.stringMatching(/^[0-9a-f]{64}$/)});

    const bytes = storedBytes();
    const logged = JSON.stringify(app.logs);
    for (const [what, value] of [...Object.entries(PERSONAL), ['customer id', String(CUSTOMER_ID)]]) {
      expect(bytes.includes(value), `${what} in the stored files`).toBe(false);
      expect(logged.includes(value), `${what} in the log`).toBe(false);
    }
    // The customer id stored as an integer would not show as text: no row of any table holds it either.
    const tables = db.prepare<[], {name: string}>(`SELECT name FROM sqlite_master WHERE type = 'table'`).all();
    for (const {name} of tables) expect(JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all()), name).not.toContain(String(CUSTOMER_ID));
  });
});

import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {armFor} from '../../../domain/experiment';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {experimentVisitorsRepo} from '../../../storage/repos/experiment-visitors';
import {ordersRepo} from '../../../storage/repos/orders';
import {productsRepo} from '../../../storage/repos/products';
import {trainingDataRepo} from '../../../storage/repos/training-data';
import {parseShopDomain} from '../../../storage/shop-domain';
import {sendWebhook, signedWebhook} from '../../../devkit/webhooks';
import type {ApiApp} from '../api/harness';
import {call, startApiApp} from '../api/harness';

// The sample payloads of API 2026-10 (fixtures/2026-10/README.md) sent byte for byte through the real, signed
// POST /webhooks, and what they must leave in the shop's file.

const fixture = (name: string) => readFileSync(new URL(`fixtures/2026-10/${name}.json`, import.meta.url), 'utf8');
const POSTER = 8802468151402;
const MUG = 8802468151403;
const EDITED_ORDER = 820982911946154508n;

let app: ApiApp;
let shopN = 0;
beforeAll(async () => void (app = await startApiApp()));
afterAll(async () => app?.close());

/** A fresh shop per case, so what one case stored never decides another's. */
function freshShop() {
  const shop = parseShopDomain(`payloads-${++shopN}.myshopify.com`)!;
  const deliver = async (topic: string, body: string) => {
    const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic, shop, secret: app.secret, body}));
    expect(res.status).toBe(200);
  };
  return {shop, deliver, db: () => app.services.shopDbs.get(shop)};
}

describe('products and inventory items as 2026-10 sends them (no inventory_management)', () => {
  it.each([
    ['product first, then its inventory item', ['products/update', 'inventory_items/update']],
    ['inventory item first, then the product', ['inventory_items/update', 'products/update']],
  ])('an untracked product with no stock stays available (%s), and a later products/update keeps it so', async (_case, order) => {
    const {deliver, db} = freshShop();
    for (const topic of order) await deliver(topic, fixture(topic === 'products/update' ? 'products-update-untracked' : 'inventory_items-update-untracked'));
    expect(productsRepo(db()).get(POSTER)).toMatchObject({available: true, title: 'Poster (printed on demand)', price: 24});
    await deliver('products/update', fixture('products-update-untracked').replace('"updated_at": "2026-10-02T09:00:00-04:00"', '"updated_at": "2026-10-05T09:00:00-04:00"'));
    expect(productsRepo(db()).get(POSTER)!.available).toBe(true);
  });

  it('a tracked product with no stock is sold out once its item says tracked, and available once tracking stops', async () => {
    const {deliver, db} = freshShop();
    await deliver('products/update', fixture('products-update-tracked-sold-out'));
    await deliver('inventory_items/update', fixture('inventory_items-update-tracked'));
    expect(productsRepo(db()).get(MUG)!.available).toBe(false);
    // The merchant stops tracking it: available at no stock, from the inventory item alone.
    await deliver('inventory_items/update', fixture('inventory_items-update-tracked')
      .replace('"tracked": true', '"tracked": false').replace('"updated_at": "2026-10-02T09:00:01-04:00"', '"updated_at": "2026-10-03T09:00:00-04:00"'));
    expect(productsRepo(db()).get(MUG)!.available).toBe(true);
    // An older delivery of the item (webhooks are not ordered) changes nothing.
    await deliver('inventory_items/update', fixture('inventory_items-update-tracked'));
    expect(productsRepo(db()).get(MUG)!.available).toBe(true);
    await deliver('inventory_items/update', fixture('inventory_items-update-tracked')
      .replace('"updated_at": "2026-10-02T09:00:01-04:00"', '"updated_at": "2026-10-04T09:00:00-04:00"'));
    expect(productsRepo(db()).get(MUG)!.available).toBe(false);
    // Restocked: the next products/update carries the quantity, and the product is back.
    await deliver('products/update', fixture('products-update-tracked-sold-out')
      .replace('"inventory_quantity": 0', '"inventory_quantity": 4').replace('"updated_at": "2026-10-02T09:00:00-04:00"', '"updated_at": "2026-10-06T09:00:00-04:00"'));
    expect(productsRepo(db()).get(MUG)!.available).toBe(true);
  });

  it('a product stored as available is not marked sold out by a quantity whose tracking is unknown', async () => {
    const {deliver, db} = freshShop();
    await deliver('products/update', fixture('products-update-tracked-sold-out'));
    expect(productsRepo(db()).get(MUG)!.available).toBe(true);
  });
});

describe('orders as 2026-10 sends them', () => {
  it('an edited order counts what remains of each line (current_quantity), and training reads only that', async () => {
    const {deliver, db} = freshShop();
    await deliver('orders/updated', fixture('orders-updated-edited'));
    const stored = ordersRepo(db()).get(EDITED_ORDER)!;
    expect(stored.lines.map((l) => [l.product_id, l.quantity])).toEqual([[MUG, 0], [POSTER, 1]]);
    expect([...trainingDataRepo(db()).orderLines()].map((l) => l.productId)).toEqual([POSTER]);
  });

  /** The edited order placed by an exposed experiment visitor counted in the running period. */
  async function experimentOrder() {
    const s = freshShop();
    const period = experimentPeriodsRepo(s.db()).forShare(0.5);
    let visitor = randomUUID();
    while (armFor(period, visitor) !== 'exposed') visitor = randomUUID();
    experimentVisitorsRepo(s.db()).record(period.period, visitor, 'exposed');
    const attributes = JSON.stringify([{name: '_pairwise_visitor', value: visitor}, {name: '_pairwise_period', value: String(period.period)}]);
    await s.deliver('orders/updated', fixture('orders-updated-edited').replace('"note_attributes": []', `"note_attributes": ${attributes}`));
    return {...s, revenue: () => experimentVisitorsRepo(s.db()).sums(period.period).exposed.revenue};
  }

  it('a refund lowers the experiment revenue, whether refunds/create or the order update comes first, and counts once', async () => {
    const s = await experimentOrder();
    expect(s.revenue()).toBe(24); // current_total_price after the edit, not the 60.00 first ordered
    // Half of the remaining poster's price given back (a partial refund), so a double count would show.
    const refund = fixture('refunds-create').replaceAll('"24.00"', '"12.00"');
    await s.deliver('refunds/create', refund);
    expect(s.revenue()).toBe(12);
    // The orders/updated that follows the refund: current total 12, the refund listed again.
    const after = fixture('orders-updated-edited')
      .replace('"current_total_price": "24.00"', '"current_total_price": "12.00"')
      .replace('"updated_at": "2026-10-03T12:00:00-04:00"', '"updated_at": "2026-10-04T09:00:01-04:00"')
      .replace('"refunds": []', `"refunds": [${refund}]`);
    await s.deliver('orders/updated', after);
    expect(s.revenue()).toBe(12);
  });

  it('a refund that arrives inside the order (no refunds/create) lowers it too', async () => {
    const s = freshShop();
    const period = experimentPeriodsRepo(s.db()).forShare(0.5);
    let visitor = randomUUID();
    while (armFor(period, visitor) !== 'exposed') visitor = randomUUID();
    experimentVisitorsRepo(s.db()).record(period.period, visitor, 'exposed');
    const attributes = JSON.stringify([{name: '_pairwise_visitor', value: visitor}, {name: '_pairwise_period', value: String(period.period)}]);
    // A source without current_total_price: the stored refunds come off total_price.
    await s.deliver('orders/updated', fixture('orders-updated-edited')
      .replace('"note_attributes": []', `"note_attributes": ${attributes}`)
      .replace('"current_total_price": "24.00",', '')
      .replace('"refunds": []', `"refunds": [${fixture('refunds-create')}]`));
    expect(experimentVisitorsRepo(s.db()).sums(period.period).exposed.revenue).toBe(36);
  });

  it('a test order neither trains nor counts, and the admin says how many were left out', async () => {
    const {shop, deliver, db} = freshShop();
    await deliver('orders/create', fixture('orders-create-test'));
    expect(ordersRepo(db()).counts()).toMatchObject({orders: 1, test: 1});
    expect([...trainingDataRepo(db()).orderLines()]).toEqual([]);
    const {status, json} = await call(app, shop, 'GET', '/api/analytics?days=30&to=2026-10-10');
    expect(status).toBe(200);
    expect(json.store.orders).toBe(0);
    expect(json.testOrdersLeftOut).toBe(1);
  });
});

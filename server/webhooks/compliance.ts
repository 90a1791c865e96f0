import {z} from 'zod';
import {ordersRepo} from '../../storage/repos/orders';
import {shopsRepo} from '../../storage/repos/shops';
import {SqliteSessionStorage} from '../../storage/repos/sessions';
import type {Services} from '../services';
import type {ShopDomain} from '../../storage/shop-domain';
import {customerHash} from './orders';
import {parsePayload, shopifyId} from './payload';
import type {WebhookHandler} from './types';

// Mandatory compliance webhooks: https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance

const customerPayload = z.object({
  customer: z.object({id: shopifyId}),
  orders_to_redact: z.array(shopifyId).nullish(),
  orders_requested: z.array(shopifyId).nullish(),
});

/**
 * We store no personal data, only a salted hash linking orders to a customer. The request is answered by
 * logging what we hold: the ids of that customer's orders (the merchant already has them).
 */
export const customerDataRequest: WebhookHandler = (db, delivery, ctx) => {
  const p = parsePayload(customerPayload, delivery.payload, 'customers/data_request');
  const salt = shopsRepo(ctx.appDb).ensure(delivery.shop).customerSalt;
  const orderIds = ordersRepo(db).idsForCustomer(customerHash(salt, p.customer.id));
  ctx.log('info', 'customer data request', {shop: delivery.shop, customer: p.customer.id, orders: orderIds});
  return {outcome: 'applied', resourceId: p.customer.id};
};

/** Removes the customer's link from every order; the orders stay (they are the shop's, with no PII). */
export const customerRedact: WebhookHandler = (db, delivery, ctx) => {
  const p = parsePayload(customerPayload, delivery.payload, 'customers/redact');
  const salt = shopsRepo(ctx.appDb).ensure(delivery.shop).customerSalt;
  const changed = ordersRepo(db).unlinkCustomer(customerHash(salt, p.customer.id), p.orders_to_redact ?? []);
  ctx.log('info', 'customer redacted', {shop: delivery.shop, orders: changed});
  return {outcome: 'applied', resourceId: p.customer.id};
};

/**
 * shop/redact (48 hours after uninstall): the shop's file and every row about it in app.db go, leaving only a
 * tombstone (domain and time) so a late webhook cannot bring them back. A training run still going is stopped
 * first, so it cannot write to (or recreate) the file afterwards.
 */
export async function redactShop(ctx: Pick<Services, 'appDb' | 'shopDbs' | 'models' | 'training' | 'log'>, shop: ShopDomain): Promise<void> {
  await ctx.training.stop(shop);
  ctx.models.forget(shop);
  ctx.shopDbs.remove(shop);
  ctx.appDb.transaction(() => {
    new SqliteSessionStorage(ctx.appDb).deleteShopSessions(shop);
    shopsRepo(ctx.appDb).redact(shop);
  })();
  // Move the WAL into the (securely deleted) database and empty it: no old copy of the rows stays on disk.
  ctx.appDb.pragma('wal_checkpoint(TRUNCATE)');
  ctx.log('info', 'shop redacted', {shop});
}

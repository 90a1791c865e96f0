import {z} from 'zod';
import {dataRequestsRepo} from '../../storage/repos/data-requests';
import {ordersRepo} from '../../storage/repos/orders';
import {shopsRepo} from '../../storage/repos/shops';
import {SqliteSessionStorage} from '../../storage/repos/sessions';
import type {Services} from '../services';
import type {ShopDomain} from '../../storage/shop-domain';
import {customerHash} from './orders';
import {exactShopifyId, parsePayload, shopifyId} from './payload';
import type {WebhookHandler} from './types';

// Mandatory compliance webhooks: https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance
// customers/data_request: {shop_id, shop_domain, orders_requested: [id], customer: {id, email, phone}, data_request: {id}};
// customers/redact: {shop_id, shop_domain, customer: {id, email, phone}, orders_to_redact: [id]}.
// Only the ids are read: the customer's email and phone never leave the payload.

const customerPayload = z.object({
  customer: z.object({id: exactShopifyId}),
  orders_to_redact: z.array(exactShopifyId).nullish(),
  orders_requested: z.array(exactShopifyId).nullish(),
  data_request: z.object({id: shopifyId}).nullish(),
});

/**
 * Records the request, so the merchant sees it in the admin ("Data requests") and downloads what Pairwise
 * holds about that customer (GET /api/data-requests/:id), assembled from the orders linked to the customer's
 * salted hash and those Shopify listed.
 */
export const customerDataRequest: WebhookHandler = (db, delivery, ctx) => {
  const p = parsePayload(customerPayload, delivery.payload, 'customers/data_request');
  dataRequestsRepo(db).record({shopifyRequestId: p.data_request?.id ?? null, customerHash: customerHash(delivery.customerSalt, p.customer.id), ordersRequested: p.orders_requested ?? []});
  ctx.log('info', 'customer data request recorded', {shop: delivery.shop, dataRequest: p.data_request?.id ?? null});
  return {outcome: 'applied', resourceId: p.data_request?.id ?? null};
};

/** Removes the customer's link from every order; the orders stay (they are the shop's, with no PII). */
export const customerRedact: WebhookHandler = (db, delivery, ctx) => {
  const p = parsePayload(customerPayload, delivery.payload, 'customers/redact');
  const hash = customerHash(delivery.customerSalt, p.customer.id);
  const changed = ordersRepo(db).unlinkCustomer(hash, p.orders_to_redact ?? []);
  const requests = dataRequestsRepo(db).removeForCustomer(hash);
  ctx.log('info', 'customer redacted', {shop: delivery.shop, orders: changed, dataRequests: requests});
  // Not the customer id: the receipt would keep, in the clear, the link this webhook asks us to erase.
  return {outcome: 'applied', resourceId: null};
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

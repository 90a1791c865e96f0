import express from 'express';
import type {NextFunction, Request, Response} from 'express';
import type {Services} from '../services';
import {receiptsRepo} from '../../storage/repos/receipts';
import {shopsRepo} from '../../storage/repos/shops';
import {parseShopDomain} from '../../storage/shop-domain';
import {appUninstalled, bulkOperationFinished} from './app';
import {customerDataRequest, customerRedact, redactShop} from './compliance';
import {deleteOrder, upsertOrder} from './orders';
import {GroupCommit} from './group-commit';
import {deleteProduct, upsertProduct} from './products';
import {UnreadablePayload} from '../../domain/errors';
import type {HandlerResult, WebhookDelivery, WebhookHandler} from './types';

/** Shopify's payloads are far below this; a 500-line order is about 0.5 MB. */
export const WEBHOOK_BODY_LIMIT = '5mb';

/** Topics as the library normalises `X-Shopify-Topic` (`orders/create` -> `ORDERS_CREATE`). */
const handlers: Record<string, WebhookHandler> = {
  ORDERS_CREATE: upsertOrder,
  ORDERS_UPDATED: upsertOrder,
  ORDERS_CANCELLED: upsertOrder,
  ORDERS_DELETE: deleteOrder,
  PRODUCTS_CREATE: upsertProduct,
  PRODUCTS_UPDATE: upsertProduct,
  PRODUCTS_DELETE: deleteProduct,
  APP_UNINSTALLED: appUninstalled,
  BULK_OPERATIONS_FINISH: bulkOperationFinished,
  CUSTOMERS_DATA_REQUEST: customerDataRequest,
  CUSTOMERS_REDACT: customerRedact,
};

export const HANDLED_TOPICS = [...Object.keys(handlers), 'SHOP_REDACT'];

function recorded(result: HandlerResult, record: (r: HandlerResult) => void): HandlerResult {
  record(result);
  return result;
}

/**
 * `POST /webhooks`: every topic, compliance topics included. The raw body is read before any JSON parser
 * (the HMAC is over the exact bytes), and 200 goes out only after the delivery and its receipt commit.
 */
/** What receiving a delivery needs: the signature check, the shop files, and what shop/redact stops and forgets. */
export type WebhookDeps = Pick<Services, 'shopify' | 'appDb' | 'shopDbs' | 'models' | 'training' | 'log'>;

export function webhooksRouter(ctx: WebhookDeps): express.Router {
  const router = express.Router();
  const commits = new GroupCommit();
  router.post('/', express.raw({type: () => true, limit: WEBHOOK_BODY_LIMIT}), (req, res) => receive(ctx, commits, req, res));
  router.use((err: {type?: string; status?: number}, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.too.large') {
      ctx.log('warn', 'webhook rejected: body too large');
      res.status(413).json({error: 'payload too large'});
      return;
    }
    next(err);
  });
  return router;
}

async function receive(ctx: WebhookDeps, commits: GroupCommit, req: Request, res: Response): Promise<void> {
  const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const check = await ctx.shopify.webhooks.validate({rawBody: raw.toString('utf8'), rawRequest: req, rawResponse: res});
  if (!check.valid) {
    // A forged or tampered delivery: refuse, store nothing. Missing headers or body behind a valid HMAC: 400.
    const status = check.reason === 'invalid_hmac' || check.reason === 'missing_hmac' ? 401 : 400;
    ctx.log('warn', 'webhook rejected', {reason: check.reason, status});
    res.status(status).json({error: check.reason});
    return;
  }
  const shop = parseShopDomain(check.domain);
  // Events-style deliveries carry an event id instead of a webhook id: either identifies a delivery.
  const webhookId = 'webhookId' in check ? check.webhookId : (check as {eventId: string}).eventId;
  if (!shop) {
    ctx.log('warn', 'webhook rejected: invalid shop domain', {domain: check.domain});
    res.status(400).json({error: 'invalid shop domain'});
    return;
  }

  if (check.topic === 'SHOP_REDACT') {
    await redactShop(ctx, shop);
    res.status(200).end();
    return;
  }
  // A redacted shop stays redacted: a late or retried delivery is acknowledged and dropped, creating nothing.
  if (shopsRepo(ctx.appDb).isRedacted(shop)) {
    ctx.log('info', 'webhook for a redacted shop dropped', {shop, topic: check.topic, webhookId});
    res.status(200).end();
    return;
  }

  const db = ctx.shopDbs.get(shop);
  const receipts = receiptsRepo(db);
  shopsRepo(ctx.appDb).ensure(shop);

  const handler = handlers[check.topic];
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    payload = undefined;
  }
  const delivery: WebhookDelivery = {shop, topic: check.topic, webhookId, payload};
  const record = (r: HandlerResult) => receipts.record(webhookId, check.topic, r.resourceId, r.outcome);

  let result: HandlerResult | 'duplicate';
  try {
    result = await commits.run(db, (): HandlerResult | 'duplicate' => {
      if (receipts.has(webhookId)) return 'duplicate';
      if (!handler) return recorded({outcome: 'ignored', resourceId: null}, record);
      if (payload === undefined) throw new UnreadablePayload('body is not JSON');
      return recorded(handler(db, delivery, ctx), record);
    });
  } catch (err) {
    if (!(err instanceof UnreadablePayload)) {
      ctx.log('error', 'webhook failed', {shop, topic: check.topic, webhookId, error: String(err)});
      res.status(500).json({error: 'internal error'});
      return;
    }
    // Signed by Shopify but unusable: acknowledge so it is not retried forever, and keep a trace.
    ctx.log('warn', 'webhook unreadable', {shop, topic: check.topic, webhookId, reason: err.message});
    result = await commits.run(db, () => (receipts.has(webhookId) ? 'duplicate' : recorded({outcome: 'unreadable', resourceId: null}, record)));
  }
  res.status(200).end();
  if (result === 'duplicate') {
    ctx.log('info', 'webhook duplicate skipped', {shop, topic: check.topic, webhookId});
    return;
  }
  ctx.log('info', result.outcome === 'ignored' ? 'webhook topic not handled' : 'webhook applied', {shop, topic: check.topic, webhookId, outcome: result.outcome, id: result.resourceId});
  result.afterCommit?.();
}

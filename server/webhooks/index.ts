import express from 'express';
import type {NextFunction, Request, Response} from 'express';
import type {Services} from '../services';
import {receiptsRepo} from '../../storage/repos/receipts';
import {shopsRepo} from '../../storage/repos/shops';
import {parseShopDomain} from '../../storage/shop-domain';
import {appUninstalled, bulkOperationFinished} from './app';
import {customerDataRequest, customerRedact, redactShop} from './compliance';
import {deleteOrder, upsertOrder} from './orders';
import {GroupCommit} from '../../storage/group-commit';
import {deleteProduct, upsertProduct} from './products';
import {updateInventoryItem} from './inventory';
import {createRefund} from './refunds';
import {UnreadablePayload} from '../../domain/errors';
import {jsonId} from '../../domain/shopify-id';
import type {ShopUnavailable} from '../../domain/errors';
import type {Db} from '../../storage/open';
import {valueRefused} from '../../storage/faults';
import type {ShopDomain} from '../../storage/shop-domain';
import {parseWebhookBody} from './payload';
import type {HandlerResult, WebhookDelivery, WebhookHandler} from './types';
import {webhookVerifier} from './verify';

/** Shopify's payloads are far below this; a 500-line order is about 0.5 MB. In bytes: app.ts refuses a longer declared body before reading it. */
export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

/** Topics as the library normalises `X-Shopify-Topic` (`orders/create` -> `ORDERS_CREATE`). */
const handlers: Record<string, WebhookHandler> = {
  ORDERS_CREATE: upsertOrder,
  ORDERS_UPDATED: upsertOrder,
  ORDERS_CANCELLED: upsertOrder,
  ORDERS_DELETE: deleteOrder,
  PRODUCTS_CREATE: upsertProduct,
  PRODUCTS_UPDATE: upsertProduct,
  PRODUCTS_DELETE: deleteProduct,
  INVENTORY_ITEMS_CREATE: updateInventoryItem,
  INVENTORY_ITEMS_UPDATE: updateInventoryItem,
  REFUNDS_CREATE: createRefund,
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
  const verify = webhookVerifier(ctx.shopify.config.apiSecretKey);
  router.post('/', express.raw({type: () => true, limit: WEBHOOK_BODY_LIMIT}), (req, res) => receive(ctx, commits, verify, req, res));
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

async function receive(ctx: WebhookDeps, commits: GroupCommit, verify: ReturnType<typeof webhookVerifier>, req: Request, res: Response): Promise<void> {
  const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const check = verify(raw, req.headers);
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

  const where = {shop, topic: check.topic, webhookId};
  let db: Db;
  try {
    db = ctx.shopDbs.get(shop);
  } catch (err) {
    const unavailable = ctx.shopDbs.unavailable(shop, err);
    if (!unavailable) throw err;
    return deferred(ctx, res, where, unavailable);
  }
  const receipts = receiptsRepo(db);
  const {customerSalt} = shopsRepo(ctx.appDb).ensure(shop);

  const handler = handlers[check.topic];
  let payload: unknown;
  try {
    payload = parseWebhookBody(raw.toString('utf8'));
  } catch {
    payload = undefined;
  }
  const delivery: WebhookDelivery = {shop, topic: check.topic, webhookId, payload, customerSalt};
  const record = (r: HandlerResult, reason: string | null = null) => receipts.record(webhookId, check.topic, r.resourceId, r.outcome, reason);

  let result: HandlerResult | 'duplicate';
  try {
    try {
      result = await commits.run(db, (): HandlerResult | 'duplicate' => {
        if (receipts.has(webhookId)) return 'duplicate';
        if (!handler) return recorded({outcome: 'ignored', resourceId: null}, record);
        if (payload === undefined) throw new UnreadablePayload('body is not JSON');
        return recorded(handler(db, delivery, ctx), record);
      });
    } catch (err) {
      const reason = unstorable(err);
      if (reason === null) throw err;
      // Signed by Shopify but it can never be stored: acknowledge so it is not retried forever, and keep a trace.
      ctx.log(err instanceof UnreadablePayload ? 'warn' : 'error', 'webhook unreadable', {...where, reason});
      result = await commits.run(db, () => (receipts.has(webhookId) ? 'duplicate' : recorded({outcome: 'unreadable', resourceId: null}, (r) => record(r, reason))));
    }
  } catch (err) {
    const unavailable = ctx.shopDbs.unavailable(shop, err);
    if (unavailable) return deferred(ctx, res, where, unavailable);
    // A handle closed under the commit because its file was deleted or replaced: the file's problem, not the delivery's.
    if (!ctx.shopDbs.holds(shop, db)) return deferred(ctx, res, where, String(err));
    ctx.log('error', 'webhook failed', {...where, error: String(err)});
    res.status(500).json({error: 'internal error'});
    return;
  }
  // Committed, but to the file at the path? One deleted or replaced meanwhile holds it no more: Shopify redelivers.
  if (!ctx.shopDbs.holds(shop, db)) return deferred(ctx, res, where, 'the shop file was deleted or replaced while the delivery was stored');
  res.status(200).end();
  if (result === 'duplicate') {
    ctx.log('info', 'webhook duplicate skipped', {shop, topic: check.topic, webhookId});
    return;
  }
  ctx.log('info', result.outcome === 'ignored' ? 'webhook topic not handled' : 'webhook applied', {shop, topic: check.topic, webhookId, outcome: result.outcome, id: result.resourceId === null ? null : jsonId(result.resourceId)});
  result.afterCommit?.();
}

/** Why a delivery can never be stored (its shape, or values the database refuses), or null when that is not the failure. */
function unstorable(err: unknown): string | null {
  if (err instanceof UnreadablePayload) return err.message;
  const refused = valueRefused(err);
  return refused && `cannot be stored: ${refused}`;
}

/**
 * The shop's file cannot take the delivery now (damaged, deleted, a disk error): 503, so Shopify delivers it
 * again, and the log names the file and the error. Other shops are not involved.
 */
function deferred(ctx: Pick<WebhookDeps, 'log'>, res: Response, delivery: {shop: ShopDomain; topic: string; webhookId: string}, problem: ShopUnavailable | string): void {
  const [file, error] = typeof problem === 'string' ? [null, problem] : [problem.file, problem.reason];
  ctx.log('error', 'webhook deferred: shop file unavailable', {...delivery, file, error});
  res.status(503).set('Retry-After', '30').json({error: 'shop unavailable'});
}

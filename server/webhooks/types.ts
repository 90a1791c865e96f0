import type {ShopifyId} from '../../domain/shopify-id';
import type {Services} from '../services';
import type {Db} from '../../storage/open';
import type {ReceiptOutcome} from '../../storage/repos/receipts';
import type {ShopDomain} from '../../storage/shop-domain';

export interface WebhookDelivery {
  shop: ShopDomain;
  topic: string;
  webhookId: string;
  payload: unknown;
  /** The shop's customer salt (app.db), read once per delivery by the router rather than again by each handler. */
  customerSalt: string;
}

export interface HandlerResult {
  outcome: ReceiptOutcome;
  resourceId: ShopifyId | null;
  /** Work to start once the transaction has committed (never awaited by the webhook response). */
  afterCommit?: () => void;
}

/**
 * A topic handler. Runs inside the transaction that also records the receipt, so either both commit or
 * neither does (a crash before commit means no 200 and Shopify redelivers). No network calls in here.
 */
export type WebhookHandler = (db: Db, delivery: WebhookDelivery, deps: HandlerDeps) => HandlerResult;

/** What a topic handler may touch besides the shop's file: app.db (shops, sessions) and the log. */
export type HandlerDeps = Pick<Services, 'appDb' | 'log'>;

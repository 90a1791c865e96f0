import {z} from 'zod';
import {SqliteSessionStorage} from '../../storage/repos/sessions';
import {shopsRepo} from '../../storage/repos/shops';
import {wakeBackfill} from '../backfill/bulk';
import {parsePayload} from './payload';
import type {WebhookHandler} from './types';

/** app/uninstalled: the tokens are dead; keep the shop's data until shop/redact in case it comes back. */
export const appUninstalled: WebhookHandler = (_db, delivery, ctx) => {
  new SqliteSessionStorage(ctx.appDb).deleteShopSessions(delivery.shop);
  shopsRepo(ctx.appDb).markUninstalled(delivery.shop);
  return {outcome: 'applied', resourceId: null};
};

const bulkFinished = z.object({admin_graphql_api_id: z.string(), status: z.string()});

/** bulk_operations/finish: continue the backfill that was waiting for it (after commit, off the request). */
export const bulkOperationFinished: WebhookHandler = (_db, delivery) => {
  // Read for its shape only: an unreadable payload is recorded as such; any finished operation wakes the poll.
  parsePayload(bulkFinished, delivery.payload, 'bulk_operations/finish');
  return {
    outcome: 'applied',
    resourceId: null,
    afterCommit: () => wakeBackfill(delivery.shop),
  };
};

import {z} from 'zod';
import {armFor, VISITOR_ID} from '../../domain/experiment';
import type {ShopifyId} from '../../domain/shopify-id';
import type {Db} from '../../storage/open';
import {experimentOrdersRepo} from '../../storage/repos/experiment-orders';
import {experimentPeriodsRepo} from '../../storage/repos/experiment-periods';

// note_attributes in the order webhook payload: the cart attributes as [{name, value}]
// (https://shopify.dev/docs/api/admin-rest/latest/resources/order, set by /cart/update.js:
// https://shopify.dev/docs/api/ajax/reference/cart#update-cart-attributes).
const noteAttributes = z.object({note_attributes: z.array(z.object({name: z.string(), value: z.unknown()})).max(500).nullish()});

/**
 * Records which experiment visitor placed an order. The arm is derived here from the visitor id and the stored
 * period's salt and share; the `_pairwise_arm` attribute the browser also sets is never read, so a forged one
 * changes nothing. An unknown period or a malformed id leaves the order out of the experiment.
 */
export function recordExperimentOrder(db: Db, orderId: ShopifyId, payload: unknown): void {
  const parsed = noteAttributes.safeParse(payload);
  if (!parsed.success) return;
  const value = (name: string) => {
    const v = parsed.data.note_attributes?.find((a) => a.name === name)?.value;
    return typeof v === 'string' ? v : undefined;
  };
  const visitorId = value('_pairwise_visitor');
  const period = experimentPeriodsRepo(db).get(Number(value('_pairwise_period')));
  if (!visitorId || !VISITOR_ID.test(visitorId) || !period) return;
  experimentOrdersRepo(db).record({orderId, period: period.period, visitorId, arm: armFor(period, visitorId)});
}

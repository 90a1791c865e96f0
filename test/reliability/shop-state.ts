/**
 * A shop's state read back through the repos, in a form two shops can be compared by: the salted customer
 * hash (different salt per shop) is mapped back to the customer id it stands for.
 */
import type {Db} from '../../storage/open';
import {ordersRepo} from '../../storage/repos/orders';
import {productsRepo} from '../../storage/repos/products';
import {receiptsRepo} from '../../storage/repos/receipts';
import {customerHash} from '../../server/webhooks/orders';

export interface StateKeys {
  orderIds: number[];
  productIds: number[];
  webhookIds: string[];
  customerIds: number[];
}

export function shopState(db: Db, salt: string, keys: StateKeys) {
  const customers = new Map(keys.customerIds.map((id) => [customerHash(salt, id), id]));
  const orders = ordersRepo(db);
  const products = productsRepo(db);
  const receipts = receiptsRepo(db);
  return {
    counts: orders.counts(),
    orders: keys.orderIds.map((id) => {
      const o = orders.get(id);
      if (!o) return {id, absent: true};
      const {customer_hash, ...rest} = o;
      return {...rest, customer: customer_hash === null ? null : (customers.get(customer_hash) ?? `unknown hash ${customer_hash}`)};
    }),
    products: keys.productIds.map((id) => products.get(id) ?? {id, absent: true}),
    receipts: keys.webhookIds.map((id) => [id, receipts.has(id)]),
  };
}

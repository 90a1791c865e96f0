/** @jsxImportSource preact */
import '@shopify/ui-extensions/preact';
import {render} from 'preact';
import {CompleteTheSet} from './CompleteTheSet';

// customer-account.order-status.block.render: a block the merchant places on the Order status page in the
// accounts editor (customer accounts). https://shopify.dev/docs/api/customer-account-ui-extensions/latest/targets

export default async () => {
  render(<CompleteTheSet api={shopify} surface="show_on_order_status" />, document.body);
};

/** @jsxImportSource preact */
import '@shopify/ui-extensions/preact';
import {render} from 'preact';
import {CompleteTheSet} from './CompleteTheSet';

// purchase.thank-you.block.render: a block the merchant places on the Thank you page in the checkout editor
// (every plan with checkout extensibility). https://shopify.dev/docs/api/checkout-ui-extensions/latest/targets

export default async () => {
  render(<CompleteTheSet api={shopify} surface="show_on_thank_you" />, document.body);
};

-- customers/data_request deliveries (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance), so the
-- merchant can see each one in the admin and download what Pairwise holds about that customer. The payload's
-- customer email and phone are never stored: the customer is the same salted hash the orders carry.
CREATE TABLE data_requests (
  id                  INTEGER PRIMARY KEY,
  shopify_request_id  INTEGER,                 -- data_request.id of the payload
  customer_hash       TEXT NOT NULL,           -- salted hash of the customer id, as orders.customer_hash
  orders_requested    TEXT NOT NULL DEFAULT '[]', -- JSON array of the order ids Shopify listed
  received_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX data_requests_shopify_id ON data_requests(shopify_request_id) WHERE shopify_request_id IS NOT NULL;
CREATE INDEX data_requests_customer ON data_requests(customer_hash);

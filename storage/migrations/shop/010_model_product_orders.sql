-- How many (non-cancelled) orders held each product when a model version was trained. The admin's product
-- search, best sellers and community sizes read these instead of counting order_lines per request, which took
-- seconds on a 300k-order shop and held the one event loop every shop shares ([H]).
CREATE TABLE model_product_orders (
  version             INTEGER NOT NULL,
  product_id          INTEGER NOT NULL,
  orders              INTEGER NOT NULL,
  PRIMARY KEY (version, product_id)
) WITHOUT ROWID;

CREATE INDEX model_product_orders_rank ON model_product_orders(version, orders DESC, product_id);

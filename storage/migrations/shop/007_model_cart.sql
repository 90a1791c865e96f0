-- The cart model ([J]): for each product, the weights it gives other products when it is in the cart (at most
-- 100 per product, those of largest |weight|; a negative weight says "not with this"). A cart scores a product by
-- the sum of its cart products' weights. Written in the same publishing transaction as model_pairs.
CREATE TABLE model_cart (
  version             INTEGER NOT NULL,
  product_id          INTEGER NOT NULL,
  companion_id        INTEGER NOT NULL,
  weight              REAL NOT NULL,
  PRIMARY KEY (version, product_id, companion_id)
) WITHOUT ROWID;

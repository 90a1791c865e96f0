-- The admin's product search: a trigram index over title, handle and vendor, so a substring query is an
-- indexed lookup instead of a LIKE over every product on the event loop ([T]). An FTS5 table of its own (not
-- external content): products are written with INSERT OR REPLACE, whose implicit delete fires no trigger, so
-- the index removes a product's old entry by rowid when its new row arrives, which needs no old values.
-- https://sqlite.org/fts5.html#the_trigram_tokenizer
-- And the catalogue in title order: a search for everything lists the products nobody ordered by title, a
-- page at a time along this index instead of sorting the whole catalogue per request.
CREATE INDEX products_title ON products(title, product_id);

CREATE VIRTUAL TABLE products_search USING fts5(title, handle, vendor, tokenize = 'trigram');

INSERT INTO products_search (rowid, title, handle, vendor) SELECT product_id, title, handle, vendor FROM products;

CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
  DELETE FROM products_search WHERE rowid = new.product_id;
  INSERT INTO products_search (rowid, title, handle, vendor) VALUES (new.product_id, new.title, new.handle, new.vendor);
END;
CREATE TRIGGER products_search_update AFTER UPDATE OF product_id, title, handle, vendor ON products BEGIN
  DELETE FROM products_search WHERE rowid = old.product_id;
  INSERT INTO products_search (rowid, title, handle, vendor) VALUES (new.product_id, new.title, new.handle, new.vendor);
END;
CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
  DELETE FROM products_search WHERE rowid = old.product_id;
END;

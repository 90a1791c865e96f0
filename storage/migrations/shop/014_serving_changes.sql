-- A counter of every change to what the storefront shows (the catalogue, the merchant's curation and settings,
-- the active model pointer), bumped by triggers whichever connection writes: the server's webhooks and admin
-- routes, the backfill, the trainer's publish in its own process. The app proxy keeps each shop's filtered
-- lists in memory and reads this one row per request to know they still hold; it never reads the tables
-- behind it on the hot path ([M]).
CREATE TABLE serving_changes (
  singleton           INTEGER PRIMARY KEY CHECK (singleton = 1),
  n                   INTEGER NOT NULL
);
INSERT INTO serving_changes (singleton, n) VALUES (1, 0);

CREATE TRIGGER serving_products_insert AFTER INSERT ON products BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_products_update AFTER UPDATE ON products BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_products_delete AFTER DELETE ON products BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_settings_insert AFTER INSERT ON settings BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_settings_update AFTER UPDATE ON settings BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_settings_delete AFTER DELETE ON settings BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_pins_insert AFTER INSERT ON pins BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_pins_update AFTER UPDATE ON pins BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_pins_delete AFTER DELETE ON pins BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_pair_exclusions_insert AFTER INSERT ON pair_exclusions BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_pair_exclusions_delete AFTER DELETE ON pair_exclusions BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_product_exclusions_insert AFTER INSERT ON product_exclusions BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_product_exclusions_delete AFTER DELETE ON product_exclusions BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_model_active_insert AFTER INSERT ON model_active BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_model_active_update AFTER UPDATE ON model_active BEGIN UPDATE serving_changes SET n = n + 1; END;
CREATE TRIGGER serving_model_active_delete AFTER DELETE ON model_active BEGIN UPDATE serving_changes SET n = n + 1; END;


-- The lists that hold a product (excluding it republishes them): by companion, not a scan of every pair ([H]).
CREATE INDEX model_pairs_companion ON model_pairs(version, companion_id);

-- What the bundle discount ([N]) took off each order line, in the shop's currency: the line's discount
-- allocations whose application is Pairwise's automatic discount (known by its title: domain/bundle-discount.ts),
-- counted on the units the line still holds. 0 for lines it did not touch and for orders stored before this.
-- https://shopify.dev/docs/api/admin-rest/latest/resources/order (line_items.discount_allocations, discount_applications)
ALTER TABLE order_lines ADD COLUMN bundle_discount REAL NOT NULL DEFAULT 0;

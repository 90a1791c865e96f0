import {perDb} from '../per-db';
import type {Db} from '../open';

/** A variant as the product webhooks carry it since API 2024-07: no `inventory_management`. */
export interface VariantStock {
  variantId: number;
  inventoryItemId: number | null;
  inventoryQuantity: number | null;
  inventoryPolicy: string | null;
}

/**
 * product_variants and inventory_items: what decides whether a product can be bought, now that the product
 * webhooks no longer say whether a variant's stock is tracked. A variant can be bought when its policy is
 * `continue`, its inventory item is untracked, or it has stock. A variant with no stock whose item was never
 * described by an `inventory_items` webhook is undetermined: its quantity alone does not mean sold out.
 */
function createInventoryRepo(db: Db) {
  const deleteVariants = db.prepare<[number]>('DELETE FROM product_variants WHERE product_id = ?');
  const insertVariant = db.prepare<[number, number, number | null, number | null, string | null]>(
    `INSERT OR REPLACE INTO product_variants (variant_id, product_id, inventory_item_id, inventory_quantity, inventory_policy)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const putItem = db.prepare<[number, number, string]>(
    `INSERT INTO inventory_items (inventory_item_id, tracked, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (inventory_item_id) DO UPDATE SET tracked = excluded.tracked, updated_at = excluded.updated_at
     WHERE excluded.updated_at >= inventory_items.updated_at`,
  );
  const stock = db.prepare<[number], {variants: number; sellable: number | null; undetermined: number | null}>(
    `SELECT count(*) AS variants,
       sum(v.inventory_policy = 'continue' OR i.tracked = 0 OR coalesce(v.inventory_quantity, 0) > 0) AS sellable,
       sum(i.tracked IS NULL) AS undetermined
     FROM product_variants v LEFT JOIN inventory_items i ON i.inventory_item_id = v.inventory_item_id
     WHERE v.product_id = ?`,
  );
  const productsOfItem = db.prepare<[number], {product_id: number}>('SELECT DISTINCT product_id FROM product_variants WHERE inventory_item_id = ?');
  return {
    /** The product's variants as its latest webhook lists them (a variant removed from the product goes). */
    replaceVariants(productId: number, variants: VariantStock[]): void {
      deleteVariants.run(productId);
      for (const v of variants) insertVariant.run(v.variantId, productId, v.inventoryItemId, v.inventoryQuantity, v.inventoryPolicy);
    },
    /** Records whether an item's stock is tracked; an older delivery than the stored one changes nothing. */
    setTracked: (inventoryItemId: number, tracked: boolean, updatedAt: string): void => void putItem.run(inventoryItemId, tracked ? 1 : 0, updatedAt),
    /**
     * Whether the product can be bought from its stored variants: true or false when the rows decide it, null
     * when no variant is sellable yet some variant's tracking is unknown (or no variant is stored).
     */
    availability(productId: number): boolean | null {
      const s = stock.get(productId)!;
      if (s.variants === 0) return null;
      if ((s.sellable ?? 0) > 0) return true;
      return (s.undetermined ?? 0) > 0 ? null : false;
    },
    productsOfItem: (inventoryItemId: number): number[] => productsOfItem.all(inventoryItemId).map((r) => r.product_id),
  };
}

export const inventoryRepo = perDb(createInventoryRepo);

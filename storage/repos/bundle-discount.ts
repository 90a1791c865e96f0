import {perDb} from '../per-db';
import type {Db} from '../open';
import {DEFAULT_BUNDLE_DISCOUNT, bundleDiscountSchema} from '../../domain/bundle-discount';
import type {BundleDiscountSettings} from '../../domain/bundle-discount';

/** bundle_discount: the one row of the shop's bundle discount; unreadable settings read as the defaults. */
function createBundleDiscountRepo(db: Db) {
  const row = db.prepare<[], {discount_id: string | null; settings: string}>('SELECT discount_id, settings FROM bundle_discount WHERE singleton = 1');
  const put = db.prepare(
    `INSERT INTO bundle_discount (singleton, discount_id, settings, updated_at) VALUES (1, ?, ?, ?)
     ON CONFLICT (singleton) DO UPDATE SET discount_id = excluded.discount_id, settings = excluded.settings, updated_at = excluded.updated_at`,
  );
  return {
    get(): {settings: BundleDiscountSettings; discountId: string | null} {
      const found = row.get();
      if (!found) return {settings: DEFAULT_BUNDLE_DISCOUNT, discountId: null};
      let stored: unknown;
      try {
        stored = JSON.parse(found.settings);
      } catch {
        stored = undefined;
      }
      const parsed = bundleDiscountSchema.safeParse(stored);
      return {settings: parsed.success ? parsed.data : DEFAULT_BUNDLE_DISCOUNT, discountId: found.discount_id};
    },
    save(settings: BundleDiscountSettings, discountId: string | null): void {
      put.run(discountId, JSON.stringify(settings), new Date().toISOString());
    },
  };
}

export const bundleDiscountRepo = perDb(createBundleDiscountRepo);

import type {Db} from '../../../storage/open';
import {catalogRepo} from '../../../storage/repos/catalog';
import type {CatalogProduct} from '../../../storage/repos/catalog';

/** Products read between two turns of the event loop (1-4 ms of LIKE matching here). */
const ROWS_PER_PAGE = 1_000;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Hit {
  productId: number;
  title: string;
  orders: number;
}

/** The search's order: best sellers (as of the active model) first, then by title and id. */
const before = (a: Hit, b: Hit) => b.orders - a.orders || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) || a.productId - b.productId;

/**
 * The products whose title, handle or vendor contains the query, best sellers first, one page of them, and
 * how many match. A substring match cannot use an index, so the catalogue is read in pages that yield to the
 * event loop (a 50k-product search in one statement held every shop's requests), keeping only the first
 * `offset + limit` matches in order.
 */
export async function searchCatalog(db: Db, query: string, limit: number, offset: number): Promise<{items: CatalogProduct[]; total: number}> {
  const catalog = catalogRepo(db);
  const keep = offset + limit;
  const first: Hit[] = [];
  let total = 0;
  for (let after = -Infinity; ; await yieldToLoop()) {
    if (!db.open) throw new Error('the shop file was closed during a search');
    const rows = catalog.scanPage(query, after, ROWS_PER_PAGE);
    for (const r of rows) {
      if (!r.hit) continue;
      total += 1;
      if (first.length === keep && before(r, first[keep - 1]) >= 0) continue;
      let lo = 0;
      let hi = first.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(first[mid], r) <= 0) lo = mid + 1;
        else hi = mid;
      }
      first.splice(lo, 0, {productId: r.productId, title: r.title, orders: r.orders});
      if (first.length > keep) first.pop();
    }
    if (rows.length < ROWS_PER_PAGE) break;
    after = rows[rows.length - 1].productId;
  }
  const page = first.slice(offset);
  const found = catalog.getMany(page.map((h) => h.productId));
  return {items: page.flatMap((h) => found.get(h.productId) ?? []), total};
}

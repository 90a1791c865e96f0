import type {Db} from '../../../server/db/open';
import {ordersRepo} from '../../../server/db/repos/orders';
import {productsRepo} from '../../../server/db/repos/products';

/** A small store: a coffee corner, a tea corner and a lonely best seller, with a trained model and some traffic. */
export const CATALOG = [
  {n: 1, title: 'Espresso beans', type: 'Coffee', tags: 'coffee,roasted', vendor: 'Roastery', price: 14},
  {n: 2, title: 'Milk frother', type: 'Coffee', tags: 'coffee,gear', vendor: 'Brewco', price: 29},
  {n: 3, title: 'Ceramic cup', type: 'Coffee', tags: 'coffee,gear', vendor: 'Brewco', price: 9},
  {n: 4, title: 'Paper filters', type: 'Coffee', tags: 'coffee', vendor: 'Brewco', price: 4},
  {n: 5, title: 'Green tea', type: 'Tea', tags: 'tea', vendor: 'Leafhouse', price: 11},
  {n: 6, title: 'Teapot', type: 'Tea', tags: 'tea,gear', vendor: 'Leafhouse', price: 35},
  {n: 7, title: 'Honey jar', type: 'Tea', tags: 'tea,sweet', vendor: 'Beekeepers', price: 8},
  {n: 8, title: 'Gift card', type: 'Gift', tags: '', vendor: 'Store', price: 50},
];

/** Product ids of a store: base + n, so two stores in one test never share an id. */
export const pid = (base: number, n: number) => base + n;

/** Seeds products, orders (some attributed to blocks), a model with pairs, bundles, communities, runs and events. */
export function seedStore(db: Db, base: number, opts: {model?: boolean} = {}): void {
  const products = productsRepo(db);
  const orders = ordersRepo(db);
  const now = '2026-11-01T10:00:00Z';
  db.transaction(() => {
    for (const p of CATALOG) {
      products.upsert({
        productId: pid(base, p.n), title: p.title, handle: p.title.toLowerCase().replace(/ /g, '-'), status: 'active',
        available: true, price: p.price, productType: p.type, vendor: p.vendor, tags: p.tags, description: '', imageUrl: null,
        giftCard: false, createdAt: now, updatedAt: now,
      });
    }
    const baskets = [[1, 2, 3], [1, 2], [1, 3, 4], [1, 2, 3], [5, 6, 7], [5, 7], [5, 6], [8], [8, 1], [8]];
    baskets.forEach((basket, i) => {
      const day = `2026-11-${String(1 + (i % 7)).padStart(2, '0')}`;
      orders.upsert({
        orderId: base * 10 + i, name: `#${1000 + i}`, createdAt: `${day}T12:00:00Z`, updatedAt: `${day}T12:00:00Z`,
        cancelledAt: null, currency: 'EUR', totalPrice: basket.reduce((s, n) => s + CATALOG[n - 1].price, 0), customerHash: null,
        source: 'demo',
        lines: basket.map((n, j) => ({
          lineId: j + 1, productId: pid(base, n), variantId: null, quantity: 1, price: CATALOG[n - 1].price,
          pairwiseBlock: j > 0 && i < 4 ? 'fbt' : null, pairwiseAnchor: j > 0 && i < 4 ? pid(base, basket[0]) : null,
        })),
      });
    });
    const event = db.prepare('INSERT INTO events (occurred_at, day, type, block, anchor_id, product_id, holdout) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (let d = 1; d <= 7; d++) {
      const day = `2026-11-0${d}`;
      const counts: [string, number][] = [['rendered', 20 + d], ['viewed', 15 + d], ['clicked', 4], ['added', 2]];
      for (const [type, n] of counts) for (let k = 0; k < n; k++) event.run(`${day}T09:00:00Z`, day, type, 'fbt', pid(base, 1), pid(base, 2), 0);
      for (let k = 0; k < 3; k++) event.run(`${day}T09:00:00Z`, day, 'rendered', 'cart', pid(base, 1), pid(base, 3), 0);
      event.run(`${day}T09:00:00Z`, day, 'rendered', 'fbt', pid(base, 1), null, 1);
    }
    if (opts.model === false) return;
    const report = {
      backend: 'cpu', orders: 10, products: 8, pairs: 12, bad_rows: 0, timings: {total_s: 1.2},
      eval: {
        model: {hr: 0.42, precision: 0.12, recall: 0.35, ndcg: 0.28, coverage: 0.9},
        popularity: {hr: 0.2, precision: 0.05, recall: 0.15, ndcg: 0.1, coverage: 1},
        cocount: {hr: 0.35, precision: 0.1, recall: 0.3, ndcg: 0.22, coverage: 0.8},
        lift: {hr: 0.3, precision: 0.09, recall: 0.25, ndcg: 0.2, coverage: 0.6},
        jaccard: {hr: 0.33, precision: 0.1, recall: 0.28, ndcg: 0.21, coverage: 0.7},
      },
    };
    db.prepare(`INSERT INTO model_versions (version, created_at, status, kind, backend, report) VALUES (1, ?, 'ready', 'model', 'cpu', ?)`).run(now, JSON.stringify(report));
    db.prepare(`INSERT INTO model_active (singleton, version, previous_version, activated_at) VALUES (1, 1, NULL, ?)`).run(now);
    const pair = db.prepare(
      `INSERT INTO model_pairs (version, product_id, rank, companion_id, score, source, count, support, confidence, lift)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const pairs: [number, number, string, number, number, number][] = [
      // product, companion, source, count, confidence, lift
      [1, 2, 'copurchase', 3, 0.6, 1.5], [1, 3, 'copurchase', 3, 0.6, 1.4], [1, 4, 'copurchase', 1, 0.2, 1.1], [1, 5, 'embedding', 0, 0.01, 0.5],
      [2, 1, 'copurchase', 3, 1, 1.5], [2, 3, 'copurchase', 2, 0.67, 2.2],
      [3, 1, 'copurchase', 3, 1, 1.4], [3, 2, 'copurchase', 2, 0.67, 2.2],
      [5, 6, 'copurchase', 2, 0.67, 2.5], [5, 7, 'copurchase', 2, 0.67, 2.5], [6, 5, 'copurchase', 2, 1, 2.5], [7, 6, 'similar', 0, 0, 0],
    ];
    const ranks = new Map<number, number>();
    for (const [a, b, source, count, confidence, lift] of pairs) {
      const rank = (ranks.get(a) ?? 0) + 1;
      ranks.set(a, rank);
      pair.run(pid(base, a), rank, pid(base, b), 1 / rank, source, count, count / 10, confidence, lift);
    }
    const bundle = db.prepare('INSERT INTO model_bundles (version, bundle_id, product_ids, count, support, lift) VALUES (1, ?, ?, ?, ?, ?)');
    bundle.run(1, JSON.stringify([1, 2, 3].map((n) => pid(base, n))), 2, 0.2, 3.1);
    bundle.run(2, JSON.stringify([5, 6, 7].map((n) => pid(base, n))), 1, 0.1, 4.2);
    const member = db.prepare('INSERT INTO model_communities (version, community_id, product_id) VALUES (1, ?, ?)');
    for (const n of [1, 2, 3, 4]) member.run(1, pid(base, n));
    for (const n of [5, 6, 7]) member.run(2, pid(base, n));
    db.prepare(`INSERT INTO train_runs (started_at, finished_at, status, stage, progress, version) VALUES (?, ?, 'published', 'publish', 1, 1)`).run(now, now);
  })();
}

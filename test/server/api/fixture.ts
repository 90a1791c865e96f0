import type {Db} from '../../../storage/open';
import {eventsRepo} from '../../../storage/repos/events';
import type {StorefrontEvent} from '../../../storage/repos/events';
import {modelWriter} from '../../../storage/repos/model-writer';
import {trainRunsRepo} from '../../../storage/repos/train-runs';
import type {ModelPairRow} from '../../../storage/repos/model-writer';
import {ordersRepo} from '../../../storage/repos/orders';
import {productsRepo} from '../../../storage/repos/products';

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
    const events = eventsRepo(db);
    for (let d = 1; d <= 7; d++) {
      const at = new Date(`2026-11-0${d}T09:00:00Z`);
      const fbt = (type: StorefrontEvent['type'], n: number): StorefrontEvent[] =>
        Array.from({length: n}, () => ({type, block: 'fbt', anchorId: pid(base, 1), productId: pid(base, 2)}));
      events.insertMany(
        [
          ...fbt('rendered', 20 + d), ...fbt('viewed', 15 + d), ...fbt('clicked', 4), ...fbt('added', 2),
          ...Array.from({length: 3}, (): StorefrontEvent => ({type: 'rendered', block: 'cart', anchorId: pid(base, 1), productId: pid(base, 3)})),
        ],
        at,
      );
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
    const pairs: [number, number, string, number, number, number][] = [
      // product, companion, source, count, confidence, lift
      [1, 2, 'copurchase', 3, 0.6, 1.5], [1, 3, 'copurchase', 3, 0.6, 1.4], [1, 4, 'copurchase', 1, 0.2, 1.1], [1, 5, 'embedding', 0, 0.01, 0.5],
      [2, 1, 'copurchase', 3, 1, 1.5], [2, 3, 'copurchase', 2, 0.67, 2.2],
      [3, 1, 'copurchase', 3, 1, 1.4], [3, 2, 'copurchase', 2, 0.67, 2.2],
      [5, 6, 'copurchase', 2, 0.67, 2.5], [5, 7, 'copurchase', 2, 0.67, 2.5], [6, 5, 'copurchase', 2, 1, 2.5], [7, 6, 'similar', 0, 0, 0],
    ];
    const ranks = new Map<number, number>();
    const rows: ModelPairRow[] = pairs.map(([a, b, source, count, confidence, lift]) => {
      const rank = (ranks.get(a) ?? 0) + 1;
      ranks.set(a, rank);
      return {
        productId: pid(base, a), rank, companionId: pid(base, b), score: 1 / rank, source, count, support: count / 10, confidence, lift,
        jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null,
      };
    });
    modelWriter(db).publish({
      kind: 'model',
      backend: 'cpu',
      report,
      pairs: rows,
      bundles: [
        {productIds: [1, 2, 3].map((n) => pid(base, n)), count: 2, support: 0.2, lift: 3.1},
        {productIds: [5, 6, 7].map((n) => pid(base, n)), count: 1, support: 0.1, lift: 4.2},
      ],
      communities: [
        {communityId: 1, productIds: [1, 2, 3, 4].map((n) => pid(base, n))},
        {communityId: 2, productIds: [5, 6, 7].map((n) => pid(base, n))},
      ],
      // As the trainer writes them: each product's count of non-cancelled orders in the shop's file.
      productOrders: db.prepare(
        `SELECT l.product_id AS productId, count(DISTINCT l.order_id) AS orders FROM order_lines l JOIN orders o ON o.order_id = l.order_id
         WHERE l.product_id IS NOT NULL AND o.cancelled_at IS NULL GROUP BY l.product_id`,
      ).all() as {productId: number; orders: number}[],
      runId: trainRunsRepo(db).start(),
    });
  })();
}

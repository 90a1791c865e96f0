/** A small, realistic kitchenware store for tests and the demo: every case the blocks must handle has a product. */
import type {RecommendationsFor, StoreProduct} from './catalog';

export const fixtureShop = 'preview-kitchen.myshopify.com';

export const fixtureProducts: StoreProduct[] = [
  {id: 1001, handle: 'pour-over-kettle', title: 'Pour-Over Kettle', price: 5900},
  {id: 1002, handle: 'paper-filters', title: 'Paper Filters (100)', price: 650},
  {id: 1003, handle: 'ceramic-dripper', title: 'Ceramic Dripper', price: 2400},
  {id: 1004, handle: 'burr-grinder', title: 'Burr Grinder', price: 12900, available: false},
  {id: 1005, handle: 'house-blend', title: 'House Blend Beans 250 g', price: 1450},
  {id: 1006, handle: 'glass-server', title: 'Glass Server', price: 2900, status: 'draft'},
  {id: 1007, handle: 'gift-card', title: 'Gift Card', price: 2500, giftCard: true},
  {id: 1008, handle: 'free-sample', title: 'Free Sample', price: 0},
  {id: 1009, handle: 'travel-mug', title: 'Travel Mug', price: 1800},
  {id: 1010, handle: 'milk-frother', title: 'Milk Frother', price: 3500},
];

/** 1099 is a product that was deleted after the list was published. */
export const fixtureRecommendations: Record<number, number[]> = {
  1001: [1002, 1003, 1005, 1009],
  1002: [1003, 1001],
  1003: [1002, 1005, 1010],
  1005: [1009, 1010],
  1009: [1004, 1099, 1005],
  1010: [1004, 1006, 1007, 1008],
};

export const fixtureRecommendationsFor: RecommendationsFor = (id) => fixtureRecommendations[id] ?? [];

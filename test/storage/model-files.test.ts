import {describe, expect, it} from 'vitest';
import {readModelFiles} from '../../storage/model-files';
import type {ModelFiles} from '../../storage/model-files';

// The checks a worker's uploaded result passes before the model writer sees it (runs without Redis).
const PAIRS_HEADER = 'product_id,rank,recommended_id,score,source,count,support,confidence,lift,jaccard,cosine,llr,embedding_sim';
const files = (over: ModelFiles = {}): ModelFiles => ({
  'recommendations.csv': 'product_id,rank,recommended_id,score\n11,1,12,0.5\n11,2,13,0.25\n',
  'pairs.csv': `${PAIRS_HEADER}\n11,1,12,0.5,cocount,3,0.1,0.5,2,0.3,0.4,1.5,\n11,2,13,0.25,lift,2,0.05,0.2,1.2,0.1,0.2,0.5,0.9\n`,
  'bundles.csv': 'bundle_id,product_ids,count,support,lift\n1,"[""11"",""12"",""13""]",2,0.05,4\n',
  'cart.csv': 'product_id,recommended_id,weight\n11,12,0.7\n12,11,-0.1\n',
  'communities.csv': 'community_id,product_id\n1,11\n1,12\n2,13\n',
  'product_orders.csv': 'product_id,orders\n11,6\n12,5\n13,2\n',
  'report.json': JSON.stringify({kind: 'model', gate: 'published the model', backend: 'wasm', orders: 20}),
  ...over,
});

describe('readModelFiles', () => {
  it('reads a whole result into the model writer\'s input', () => {
    const r = readModelFiles(files());
    expect(r.valid).toBe(true);
    if (!r.valid) return;
    expect(r.input).toMatchObject({kind: 'model', backend: 'wasm', report: {orders: 20}});
    expect(r.input.communities).toEqual([{communityId: 1, productIds: [11, 12]}, {communityId: 2, productIds: [13]}]);
    expect(r.input.pairs).toEqual([
      {productId: 11, rank: 1, companionId: 12, score: 0.5, source: 'cocount', count: 3, support: 0.1, confidence: 0.5, lift: 2, jaccard: 0.3, cosine: 0.4, llr: 1.5, embeddingSim: null, textSim: null},
      {productId: 11, rank: 2, companionId: 13, score: 0.25, source: 'lift', count: 2, support: 0.05, confidence: 0.2, lift: 1.2, jaccard: 0.1, cosine: 0.2, llr: 0.5, embeddingSim: 0.9, textSim: null},
    ]);
    expect(r.input.bundles).toEqual([{productIds: [11, 12, 13], count: 2, support: 0.05, lift: 4}]);
    expect([...(r.input.cart ?? [])]).toEqual([{productId: 11, companionId: 12, weight: 0.7}, {productId: 12, companionId: 11, weight: -0.1}]);
    expect([...(r.input.productOrders ?? [])]).toEqual([{productId: 11, orders: 6}, {productId: 12, orders: 5}, {productId: 13, orders: 2}]);
  });

  it('a stats-mode report (gate null, backend none) and no cart.csv', () => {
    const {'cart.csv': _, ...rest} = files({'report.json': JSON.stringify({kind: 'model', gate: null, backend: 'none'})});
    expect(readModelFiles(rest)).toMatchObject({valid: true, input: {backend: null, cart: []}});
  });

  it.each<[string, ModelFiles, string]>([
    ['no pairs.csv', {'pairs.csv': undefined}, 'pairs.csv is missing'],
    ['another header', {'cart.csv': 'a,b,c\n1,2,3\n'}, 'cart.csv has header "a,b,c"'],
    ['not CSV', {'bundles.csv': 'bundle_id,product_ids,count,support,lift\n1,"unclosed\n'}, 'bundles.csv is not CSV'],
    ['a score that is no number', {'pairs.csv': `${PAIRS_HEADER}\n11,1,12,x,cocount,3,0.1,0.5,2,0.3,0.4,1.5,\n11,2,13,0.25,lift,2,0.05,0.2,1.2,0.1,0.2,0.5,\n`}, 'pairs.csv row 2: "x" is not a number'],
    ['an id beyond 2^53', {'product_orders.csv': 'product_id,orders\n9007199254740993,1\n'}, 'product_orders.csv row 2: "9007199254740993" is not a product id'],
    ['a rank twice', {'recommendations.csv': 'product_id,rank,recommended_id,score\n11,1,12,0.5\n11,1,13,0.25\n', 'pairs.csv': `${PAIRS_HEADER}\n11,1,12,0.5,cocount,3,0.1,0.5,2,0.3,0.4,1.5,\n11,1,13,0.25,lift,2,0.05,0.2,1.2,0.1,0.2,0.5,\n`}, 'rank 1 of product 11 appears twice'],
    ['recommendations and pairs disagree', {'recommendations.csv': 'product_id,rank,recommended_id,score\n11,1,12,0.5\n11,2,14,0.25\n'}, 'recommendations.csv row 3 does not match pairs.csv'],
    ['a bundle that is no list', {'bundles.csv': 'bundle_id,product_ids,count,support,lift\n1,11,2,0.05,4\n'}, 'bundles.csv row 2: product_ids is not a JSON list'],
    ['no gate decision', {'report.json': JSON.stringify({gate: 'x', backend: 'none'})}, "report.json has no kind (the gate's decision)"],
    ['no communities.csv', {'communities.csv': undefined}, 'communities.csv is missing'],
    ['a product in two communities', {'communities.csv': 'community_id,product_id\n1,11\n2,11\n'}, 'communities.csv row 3: product 11 is in a community twice'],
    ['a community id that is no whole number', {'communities.csv': 'community_id,product_id\n0,11\n'}, 'communities.csv row 2: "0" is not a whole number'],
    ['report not JSON', {'report.json': '{'}, 'report.json is not JSON'],
  ])('%s: refused', (_case, over, reason) => {
    const r = readModelFiles(files(over));
    expect(r.valid).toBe(false);
    if (!r.valid) expect(r.reason).toContain(reason);
  });
});

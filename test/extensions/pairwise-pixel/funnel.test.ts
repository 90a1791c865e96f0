import {describe, expect, it} from 'vitest';
import {FUNNEL_EVENT, funnelBatch} from '../../../extensions/pairwise-pixel/src/funnel.js';

// The pixel's decision for a `pairwise_funnel` custom event, with the documented shapes: a custom event carries
// what the publisher passed as `customData` (https://shopify.dev/docs/api/web-pixels-api/emitting-data), and
// the customerPrivacy object of init / visitorConsentCollected.

const allowed = {analyticsProcessingAllowed: true, marketingAllowed: false, preferencesProcessingAllowed: false, saleOfDataAllowed: false};
const one = {type: 'viewed', block: 'fbt', anchor: 1001, product: 1002, id: '3b241101-e2bb-4255-8caf-4136c566a962:0'};
const custom = (customData: unknown) => ({id: 'e-1', name: FUNNEL_EVENT, type: 'custom', seq: 3, timestamp: '2026-12-04T11:00:00.000Z', clientId: 'c', context: {}, customData});

describe('funnelBatch', () => {
  it.each([
    ['consent and events', custom({events: [one]}), allowed, {events: [one]}],
    ['more than the app takes in one body: the first 50', custom({events: Array(60).fill(one)}), allowed, {events: Array(50).fill(one)}],
    ['analytics not allowed (withdrawn on this page)', custom({events: [one]}), {...allowed, analyticsProcessingAllowed: false}, null],
    ['no privacy object', custom({events: [one]}), undefined, null],
    ['no customData', custom(null), allowed, null],
    ['no events', custom({events: []}), allowed, null],
    ['events that are not a list', custom({events: 'viewed'}), allowed, null],
  ])('%s', (_case, event, privacy, expected) => {
    expect(funnelBatch(event, privacy)).toEqual(expected);
  });
});

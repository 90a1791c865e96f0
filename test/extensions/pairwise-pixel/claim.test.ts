import {describe, expect, it} from 'vitest';
import {checkoutClaim, pixelUrl} from '../../../extensions/pairwise-pixel/src/claim.js';

// The pixel's decision, with the documented shapes: checkout_completed's data.checkout (token, order.id) and the
// customerPrivacy object of init / visitorConsentCollected.
// https://shopify.dev/docs/api/web-pixels-api/standard-events/checkout_completed

const visitor = '3b241101-e2bb-4255-8caf-4136c566a962';
const allowed = {analyticsProcessingAllowed: true, marketingAllowed: false, preferencesProcessingAllowed: false, saleOfDataAllowed: false};
const checkout = {token: 'b2c3d4e5f60718293a4b5c6d7e8f9012', order: {id: '5678901234', customer: null}, attributes: [], lineItems: []};

describe('checkoutClaim', () => {
  it.each([
    ['consent, a kept visitor and period', checkout, visitor, '3', allowed, {checkout: checkout.token, order: '5678901234', visitor, period: 3}],
    ['an order id as a gid', {...checkout, order: {id: 'gid://shopify/Order/5678901234'}}, visitor, '3', allowed, {checkout: checkout.token, order: '5678901234', visitor, period: 3}],
    ['an order id past 2^53, kept as digits', {...checkout, order: {id: '9007199254740993'}}, visitor, '3', allowed, {checkout: checkout.token, order: '9007199254740993', visitor, period: 3}],
    ['analytics not allowed', checkout, visitor, '3', {...allowed, analyticsProcessingAllowed: false}, null],
    ['no privacy object', checkout, visitor, '3', undefined, null],
    ['no visitor kept (declined, or never counted)', checkout, null, '3', allowed, null],
    ['a visitor that is not a storefront id', checkout, 'someone', '3', allowed, null],
    ['no period kept', checkout, visitor, null, allowed, null],
    ['no order id', {...checkout, order: {id: null}}, visitor, '3', allowed, null],
    ['no token', {...checkout, token: undefined}, visitor, '3', allowed, null],
  ])('%s', (_case, data, kept, period, privacy, expected) => {
    expect(checkoutClaim(data, kept, period, privacy)).toEqual(expected);
  });
});

describe('pixelUrl', () => {
  it('is the app proxy on the page origin', () => {
    expect(pixelUrl('https://shop.example', '/apps/pairwise/')).toBe('https://shop.example/apps/pairwise/pixel');
  });
});

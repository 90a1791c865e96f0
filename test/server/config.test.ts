import {describe, expect, it} from 'vitest';
import {loadConfig, scopesFromToml} from '../../server/config';

const valid = {SHOPIFY_API_KEY: 'k', SHOPIFY_API_SECRET: 's', SHOPIFY_APP_URL: 'https://app.example.com'};

describe('loadConfig', () => {
  it('fills the documented defaults', () => {
    const c = loadConfig(valid);
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('./data');
    expect(c.scopes).toEqual(scopesFromToml());
    expect(c.scopes).toEqual(['read_orders', 'read_products', 'write_products', 'write_app_proxy', 'write_discounts', 'write_pixels', 'read_customer_events']);
  });

  it.each([
    ['SHOPIFY_API_KEY', {...valid, SHOPIFY_API_KEY: undefined}, /SHOPIFY_API_KEY: missing/],
    ['SHOPIFY_API_SECRET', {...valid, SHOPIFY_API_SECRET: undefined}, /SHOPIFY_API_SECRET: missing/],
    ['SHOPIFY_APP_URL', {...valid, SHOPIFY_APP_URL: undefined}, /SHOPIFY_APP_URL: missing/],
    ['bad SHOPIFY_APP_URL', {...valid, SHOPIFY_APP_URL: 'not a url'}, /SHOPIFY_APP_URL/],
    ['bad PORT', {...valid, PORT: 'eighty'}, /PORT/],
    ['bad SCOPES', {...valid, SCOPES: 'read orders'}, /SCOPES/],
  ])('names the problem: %s', (_case, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

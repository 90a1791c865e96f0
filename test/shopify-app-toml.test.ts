import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {parse} from 'smol-toml';
import {describe, expect, it} from 'vitest';
import {scopesFromToml} from '../server/config';
import {METAFIELD_KEY, METAFIELD_NAMESPACE} from '../server/publish/metafields';
import {CART_MODEL_KEY} from '../server/publish/cart-model-value';
import {APP_URL} from '../extensions/pairwise-checkout/src/app-url';

// shopify.app.toml parsed as TOML and checked against the shapes shopify.dev gives for each section:
// https://shopify.dev/docs/apps/build/cli-for-apps/app-configuration (the file's sections),
// https://shopify.dev/docs/apps/build/webhooks/subscribe (app-specific subscriptions, compliance_topics),
// https://shopify.dev/docs/apps/build/online-store/app-proxies (prefix, subpath, url; needs write_app_proxy),
// https://shopify.dev/docs/apps/build/custom-data/metafields/definitions (app-owned definitions in TOML:
// `[product.metafields.app.<key>]` is namespace `$app`, key `<key>`; access.admin merchant_read | merchant_read_write,
// access.storefront public_read).

const toml = parse(readFileSync(new URL('../shopify.app.toml', import.meta.url), 'utf8')) as Record<string, unknown>;
const section = (path: string) =>
  path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), toml);

describe('shopify.app.toml', () => {
  it('has the global keys of an embedded app', () => {
    expect(toml).toMatchObject({client_id: expect.any(String), name: 'Pairwise', handle: 'pairwise', embedded: true});
    expect(new URL(String(toml.application_url)).protocol).toBe('https:');
  });

  it('requests the scopes the server reads from it, including what the proxy and the metafields need', () => {
    const scopes = String(section('access_scopes.scopes')).split(',');
    expect(scopes).toEqual(scopesFromToml());
    // Orders and products to learn from, products to write product metafields, the app proxy, and the bundle
    // discount's automatic app discount ([N]: discountAutomaticAppCreate requires write_discounts).
    expect(scopes).toEqual(expect.arrayContaining(['read_orders', 'read_products', 'write_products', 'write_app_proxy', 'write_discounts']));
  });

  it('reads the scopes as TOML: from [access_scopes] only, in any string form', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pairwise-toml-')), 'shopify.app.toml');
    writeFileSync(file, `[pos]\nscopes = "not_these"\n\n[access_scopes]\nscopes = 'read_orders, write_products'\n`);
    expect(scopesFromToml(pathToFileURL(file))).toEqual(['read_orders', 'write_products']);
  });

  it('subscribes to the topics the server handles, on API version 2026-10', () => {
    expect(section('webhooks.api_version')).toBe('2026-10');
    const subscriptions = section('webhooks.subscriptions') as {topics?: string[]; compliance_topics?: string[]; uri: string}[];
    expect(subscriptions.flatMap((s) => s.topics ?? []).sort()).toEqual([
      'app/uninstalled', 'bulk_operations/finish', 'inventory_items/create', 'inventory_items/update', 'orders/cancelled',
      'orders/create', 'orders/delete', 'orders/updated', 'products/create', 'products/delete', 'products/update', 'refunds/create',
    ]);
    expect(subscriptions.flatMap((s) => s.compliance_topics ?? []).sort()).toEqual(['customers/data_request', 'customers/redact', 'shop/redact']);
    for (const s of subscriptions) expect(s.uri).toBe('/webhooks');
  });

  it('points the app proxy /apps/pairwise at the server /proxy', () => {
    const proxy = section('app_proxy') as {url: string; prefix: string; subpath: string};
    expect(proxy).toMatchObject({prefix: 'apps', subpath: 'pairwise'});
    const url = new URL(proxy.url);
    expect(url.origin).toBe(new URL(String(toml.application_url)).origin);
    expect(url.pathname).toBe('/proxy');
  });

  it('declares the app-owned recommendations metafield in the $app namespace the server writes', () => {
    expect(METAFIELD_NAMESPACE).toBe('$app');
    // `app` is the only reserved namespace the TOML form takes; any other table name there is a namespace of its own.
    expect(Object.keys(section('product.metafields') as object)).toEqual(['app']);
    expect(section(`product.metafields.app.${METAFIELD_KEY}`)).toMatchObject({
      type: 'list.product_reference',
      name: expect.any(String),
      access: {admin: 'merchant_read', storefront: 'public_read'},
    });
  });

  it('sends the checkout UI extension events to the application_url', () => {
    expect(APP_URL).toBe(toml.application_url);
  });

  it('declares the app-owned cart model metafield the checkout UI extension reads through the Storefront API', () => {
    expect(section(`product.metafields.app.${CART_MODEL_KEY}`)).toMatchObject({
      type: 'json',
      name: expect.any(String),
      access: {admin: 'merchant_read', storefront: 'public_read'},
    });
  });
});

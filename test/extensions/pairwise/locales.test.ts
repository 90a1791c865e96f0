import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {extensionRoot, readLocale, storefrontLocales} from '../../../devkit/storefront/liquid';

/** Every leaf key of a locale file, dotted. */
function keys(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null) return [prefix];
  return Object.entries(tree).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

const liquidSources = ['blocks', 'snippets'].flatMap((dir) =>
  readdirSync(join(extensionRoot, dir)).map((f) => readFileSync(join(extensionRoot, dir, f), 'utf8')),
);
const usedStorefrontKeys = [...new Set(liquidSources.flatMap((s) => [...s.matchAll(/'(pairwise\.[\w.]+)' \| t\b/g)].map((m) => m[1])))];
const usedSchemaKeys = [...new Set(liquidSources.flatMap((s) => [...s.matchAll(/"t:([\w.]+)"/g)].map((m) => m[1])))];

describe('locales', () => {
  it('the blocks use translation keys', () => {
    expect(usedStorefrontKeys.length).toBeGreaterThan(8);
    expect(usedSchemaKeys.length).toBeGreaterThan(10);
  });

  it.each(storefrontLocales)('%s has every storefront key the blocks use, and no others', (locale) => {
    const have = keys(readLocale(locale));
    expect(have.sort()).toEqual(keys(readLocale('en')).sort());
    for (const key of usedStorefrontKeys) expect(have).toContain(key);
    for (const key of keys(readLocale(locale))) expect(key.split('.').reduce<unknown>((n, p) => (n as Record<string, unknown>)[p], readLocale(locale))).not.toBe('');
  });

  it.each(storefrontLocales)('%s has every schema key the blocks use', (locale) => {
    const have = keys(readLocale(locale, true));
    expect(have.sort()).toEqual(keys(readLocale('en', true)).sort());
    for (const key of usedSchemaKeys) expect(have).toContain(key);
  });

  it('interpolations survive translation', () => {
    for (const locale of storefrontLocales) {
      const strings = readLocale(locale) as {pairwise: {upsell: {add_label: string}; status: {added: string}}};
      expect(strings.pairwise.upsell.add_label).toContain('{{ title }}');
      expect(strings.pairwise.status.added).toContain('{{ items }}');
    }
  });
});

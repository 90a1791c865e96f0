import {describe, expect, it} from 'vitest';
import {DEFAULT_BUNDLE_DISCOUNT, bundleDiscountSchema} from '../../domain/bundle-discount';
import {readConfig} from '../../extensions/bundle-discount/src/config.js';

// The admin's schema and the function's reading of its configuration agree on every bound: what the card
// accepts, the function applies; what the card refuses, the function would read as no configuration.

const configOf = (s: Record<string, unknown>) => ({percentage: s.percentage, scope: s.scope, minimumItems: s.minimumItems, message: s.message});

describe.each([
  ['percentage', [0, 1, 50, 51, 12.5]],
  ['minimumItems', [1, 2, 10, 11, 2.5]],
  ['scope', ['companions', 'bundle', 'order']],
  ['message', ['x', 'x'.repeat(255), 'x'.repeat(256)]],
] as [string, unknown[]][])('%s', (field, values) => {
  it.each(values)('%s: both accept or both refuse', (value) => {
    const settings = {...DEFAULT_BUNDLE_DISCOUNT, [field]: value};
    expect(readConfig(configOf(settings)) !== null).toBe(bundleDiscountSchema.safeParse(settings).success);
  });
});

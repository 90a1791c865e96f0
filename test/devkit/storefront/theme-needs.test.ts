/**
 * What each real theme needs from the preview's Shopify Liquid: every tag and filter its layout, sections,
 * blocks and snippets use. Parsing is strict (an unknown filter or tag fails the parse), so every file parsing
 * means every name is registered; the ones registered only to fail loudly are listed per theme, and the
 * product and cart pages must render without reaching any of them.
 */
import {readdirSync, readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {createThemeEngine, implementedFilters, unimplementedFilters} from '../../../devkit/storefront/themes/engine';
import {ThemeFiles, realThemes, themeAvailable, themesRoot} from '../../../devkit/storefront/themes/theme-files';

for (const name of realThemes) {
  if (!themeAvailable(name)) console.warn(`Skipping the ${name} theme-needs test: ${themesRoot}/${name} is absent.`);
}

/** The Shopify filters the preview registers loudly-unimplemented that a theme's files use, by theme. */
const expectedUnimplemented: Record<string, string[]> = {
  horizon: ['border', 'section', 'external_video_tag', 'external_video_url', 'format_address', 'line_items_for', 'login_button', 'metafield_tag', 'model_viewer_tag', 'payment_type_svg_tag', 'text', 'time_tag', 'unit_price_with_measurement', 'video_tag', 'default_pagination'],
  dawn: ['avatar', 'default_errors', 'document', 'external_video_tag', 'external_video_url', 'format_address', 'line_items_for', 'login_button', 'media_tag', 'payment_type_svg_tag', 'this', 'time_tag', 'unit_price_with_measurement', 'video_tag'],
};

describe.each(realThemes)('the %s theme', (name) => {
  it.skipIf(!themeAvailable(name))('parses every Liquid file with strict filters; the unimplemented filters it uses are listed', () => {
    const files = new ThemeFiles(name);
    const engine = createThemeEngine(files, {moneyFormat: '${{amount}}', moneyWithCurrencyFormat: '${{amount}} USD', currency: 'USD', locale: 'en', assetUrl: (n) => n, checkout: false});
    const used = new Set<string>();
    for (const folder of ['layout', 'sections', 'blocks', 'snippets']) {
      if (!files.has(folder)) continue;
      for (const file of readdirSync(files.path(folder)).filter((f) => f.endsWith('.liquid'))) {
        engine.liquid.parseFileSync(files.path(folder, file));
        for (const m of readFileSync(files.path(folder, file), 'utf8').matchAll(/\|\s*([a-z_][a-z0-9_]*)/g)) used.add(m[1]);
      }
    }
    const loud = (unimplementedFilters as readonly string[]).filter((f) => used.has(f)).sort();
    expect(loud).toEqual([...expectedUnimplemented[name]].sort());
    // Every Shopify filter the preview implements that this theme uses, for the record.
    console.info(`${name} uses implemented Shopify filters: ${(implementedFilters as readonly string[]).filter((f) => used.has(f)).join(', ')}`);
  });
});

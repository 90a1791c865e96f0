import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {t} from '../../../app/i18n/t';
import {DEFAULT_SETTINGS} from '../../../domain/settings';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '../../../app');

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    if (e.name === 'dist') return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const literalKeys = [...new Set(sources(APP).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)].map((m) => m[1])))];

/** Keys built at run time from a value: every value the server can send needs its string. */
const dynamicKeys = [
  ...['pair_excluded', 'product_excluded', 'unavailable', 'excluded_tag', 'excluded_type', 'excluded_vendor', 'low_confidence', 'low_lift', 'over_limit'].map((k) => `hidden.${k}`),
  ...['copurchase', 'embedding', 'similar'].map((k) => `sources.${k}`),
  ...['rendered', 'viewed', 'clicked', 'added', 'ordered'].map((k) => `stages.${k}`),
  ...['fbt', 'cart'].map((k) => `blocks.${k}`),
  ...['model', 'popularity', 'cocount', 'lift', 'jaccard'].map((k) => `baselines.${k}`),
  ...['hr', 'precision', 'recall', 'ndcg'].map((k) => `metrics.${k}`),
  ...['created', 'running', 'downloading', 'completed', 'failed'].map((k) => `backfill.${k}`),
  ...['orders', 'products'].map((k) => `home.sync.backfill_${k}`),
  ...['manual', 'daily', 'weekly'].map((k) => `settings.schedules.${k}`),
  ...Object.keys(DEFAULT_SETTINGS).filter((k) => k !== 'promotedBundle').flatMap((k) => [`settings.errors.${k}`, `settings.fields.${k}.label`, `settings.fields.${k}.help`]),
];

describe('i18n', () => {
  it('finds the keys the pages use', () => {
    expect(literalKeys.length).toBeGreaterThan(100);
  });

  it.each([...literalKeys, ...dynamicKeys])('has a string for %s', (key) => {
    expect(t(key)).not.toBe(key);
  });

  it.each([
    ['fills variables', 'home.sync.active', {count: 3}, '3 active and for sale'],
    ['leaves a missing variable visible', 'home.sync.active', {}, '{count} active and for sale'],
    ['shows an unknown key as itself', 'no.such.key', {}, 'no.such.key'],
  ])('%s', (_case, key, vars, expected) => {
    expect(t(key, vars)).toBe(expected);
  });
});

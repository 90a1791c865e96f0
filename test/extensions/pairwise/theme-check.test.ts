import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {check} from '@shopify/theme-check-node';
import {describe, expect, it} from 'vitest';
import {extensionRoot} from '../../../devkit/storefront/liquid';

const summary = (offenses: Awaited<ReturnType<typeof check>>) =>
  offenses.map((o) => `${o.check} ${o.uri.split('/').slice(-2).join('/')}:${o.start.line} ${o.message}`);

describe('theme-check', () => {
  it('reports no errors and no warnings on extensions/pairwise', async () => {
    expect(summary(await check(extensionRoot))).toEqual([]);
  });

  it('does catch a broken block (the check is live)', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'pairwise-tc-'));
    try {
      cpSync(extensionRoot, copy, {recursive: true});
      const file = join(copy, 'blocks', 'frequently-bought-together.liquid');
      writeFileSync(file, readFileSync(file, 'utf8').replace("'pairwise.fbt.total' | t", "'pairwise.fbt.missing' | t"));
      expect(summary(await check(copy)).join('\n')).toContain('TranslationKeyExists');
    } finally {
      rmSync(copy, {recursive: true, force: true});
    }
  });
});

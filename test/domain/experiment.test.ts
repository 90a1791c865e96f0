import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {runInNewContext} from 'node:vm';
import {describe, expect, it} from 'vitest';
import {armFor, assignmentBucket} from '../../domain/experiment';
import {extensionRoot} from '../../devkit/storefront/liquid';

const snippet = readFileSync(join(extensionRoot, 'snippets', 'pairwise-experiment.liquid'), 'utf8');
const inlineScript = /<script[^>]*>([\s\S]*?)<\/script>/.exec(snippet)![1];

interface Visit {
  arm: string;
  visitor: string | null;
  stored: Map<string, string>;
}

/** Runs the block's inline script as a browser would, with a stand-in page and the given consent answer. */
function visit(opts: {share: number; salt: string; consent?: boolean; stored?: Map<string, string>}): Visit {
  const stored = opts.stored ?? new Map<string, string>();
  const attrs = new Map<string, string>();
  const window: Record<string, unknown> = {
    Shopify: opts.consent === undefined ? {} : {customerPrivacy: {analyticsProcessingAllowed: () => opts.consent}},
  };
  const context = {
    window,
    crypto: {randomUUID},
    localStorage: {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, v),
      removeItem: (k: string) => void stored.delete(k),
    },
    document: {
      documentElement: {hasAttribute: (k: string) => attrs.has(k), setAttribute: (k: string, v: string) => void attrs.set(k, v)},
      currentScript: {dataset: {share: String(opts.share), salt: opts.salt, period: '1'}},
    },
  };
  window.crypto = context.crypto;
  runInNewContext(inlineScript, context);
  const experiment = window.PairwiseExperiment as {visitor: string | null; arm: string};
  expect(attrs.get('data-pairwise-arm')).toBe(experiment.arm);
  return {arm: experiment.arm, visitor: experiment.visitor, stored};
}

const ids = Array.from({length: 10_000}, () => randomUUID());

describe('experiment assignment', () => {
  it('the storefront script and the server agree on every id', () => {
    const browserBucket = (salt: string, id: string) => {
      const stored = new Map([['pairwise_visitor', id]]);
      return visit({share: 0.3, salt, consent: true, stored}).arm;
    };
    for (const id of ids.slice(0, 2000)) expect(browserBucket('s1', id)).toBe(armFor({salt: 's1', share: 0.3}, id));
  });

  it('the same id always gets the same arm', () => {
    for (const id of ids.slice(0, 500)) {
      const first = armFor({salt: 'abc', share: 0.2}, id);
      for (let i = 0; i < 3; i++) expect(armFor({salt: 'abc', share: 0.2}, id)).toBe(first);
    }
  });

  it.each([0.05, 0.1, 0.25, 0.5])('holds out a share of %s within sampling error over 10k ids', (share) => {
    const held = ids.filter((id) => armFor({salt: 'period-7', share}, id) === 'holdout').length / ids.length;
    // Four standard errors of a proportion over 10k draws.
    expect(Math.abs(held - share)).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / ids.length));
  });

  it('a new salt reshuffles: the arms of two salts are independent', () => {
    const a = ids.map((id) => armFor({salt: 'one', share: 0.5}, id));
    const b = ids.map((id) => armFor({salt: 'two', share: 0.5}, id));
    const same = a.filter((arm, i) => arm === b[i]).length / ids.length;
    expect(Math.abs(same - 0.5)).toBeLessThan(0.02);
  });

  it('buckets are uniform on [0, 1)', () => {
    const buckets = ids.map((id) => assignmentBucket('u', id));
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(1);
    const deciles = Array.from({length: 10}, (_, d) => buckets.filter((b) => Math.floor(b * 10) === d).length);
    for (const n of deciles) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });
});

describe('consent (Customer Privacy API)', () => {
  it('with analytics consent an id is created once, kept and used', () => {
    const first = visit({share: 0.5, salt: 's', consent: true});
    expect(first.visitor).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.stored.get('pairwise_visitor')).toBe(first.visitor);
    const again = visit({share: 0.5, salt: 's', consent: true, stored: first.stored});
    expect(again.visitor).toBe(first.visitor);
    expect(again.arm).toBe(armFor({salt: 's', share: 0.5}, first.visitor!));
  });

  it('without consent no id is stored, the block shows and the visitor is not counted', () => {
    const v = visit({share: 0.5, salt: 's', consent: false});
    expect(v).toMatchObject({arm: 'none', visitor: null});
    expect(v.stored.size).toBe(0);
  });

  it('consent withdrawn: the kept id is removed', () => {
    const v = visit({share: 0.5, salt: 's', consent: false, stored: new Map([['pairwise_visitor', ids[0]]])});
    expect(v).toMatchObject({arm: 'none', visitor: null});
    expect(v.stored.size).toBe(0);
  });

  it('the API not loaded yet: no new id, but one kept from an earlier consent is used', () => {
    expect(visit({share: 0.5, salt: 's'})).toMatchObject({arm: 'none', visitor: null});
    expect(visit({share: 0.5, salt: 's', stored: new Map([['pairwise_visitor', ids[1]]])}).visitor).toBe(ids[1]);
  });

  it('no published experiment (no salt): nobody is held out', () => {
    expect(visit({share: 0.5, salt: '', consent: true}).arm).toBe('none');
  });
});

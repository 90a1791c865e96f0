import {mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {adminBuildStale} from '../../scripts/admin-build.mjs';

// The demo and `npm start` rebuild the admin page when its build is older than what it is built from: a bundle
// reused from an older checkout (or older node_modules) showed old pages and chart errors in the demo's smoke.
describe('adminBuildStale', () => {
  let root = '';
  afterEach(() => rmSync(root, {recursive: true, force: true}));

  function tree(times: {built?: number; app: number; domain: number; lock: number}): string {
    root = mkdtempSync(join(tmpdir(), 'admin-build-'));
    const file = (path: string, seconds: number) => {
      mkdirSync(join(root, path, '..'), {recursive: true});
      writeFileSync(join(root, path), 'x');
      utimesSync(join(root, path), seconds, seconds);
    };
    file('app/pages/Home.tsx', times.app);
    file('domain/settings.ts', times.domain);
    file('package-lock.json', times.lock);
    if (times.built !== undefined) file('app/dist/index.html', times.built);
    return root;
  }

  it('is stale without a build', () => {
    expect(adminBuildStale(tree({app: 100, domain: 100, lock: 100}))).toBe(true);
  });
  it('is fresh when the build is newer than every source and the lockfile', () => {
    expect(adminBuildStale(tree({built: 200, app: 100, domain: 150, lock: 120}))).toBe(false);
  });
  it.each([
    ['an admin source', {built: 200, app: 300, domain: 100, lock: 100}],
    ['a domain/ shape the admin imports', {built: 200, app: 100, domain: 300, lock: 100}],
    ['the lockfile (other package versions)', {built: 200, app: 100, domain: 100, lock: 300}],
  ])('is stale when %s changed after the build', (_what, times) => {
    expect(adminBuildStale(tree(times))).toBe(true);
  });
});

import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {createServer} from 'node:net';
import type {AddressInfo} from 'node:net';
import {dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A port the demo can take, with the next one (its preview storefront) most likely free too. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const {port} = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe.skipIf(!existsSync('/usr/bin/chromium'))('npm run demo -- --smoke', () => {
  it('reports the product lists the training run wrote to the store, not a second publish that found none', async () => {
    const port = await freePort();
    const {stdout} = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'demo/main.ts', '--smoke', '--orders', '600', '--products', '60', '--shoppers', '600', '--port', String(port)],
      {cwd: ROOT, maxBuffer: 16 << 20},
    );
    const line = /(\d+) product lists written, (\d+) removed \((\d+) on the store\)/.exec(stdout);
    expect(line, stdout).not.toBeNull();
    const [written, removed, held] = line!.slice(1).map(Number);
    // A fresh store: every list on it was written by this run.
    expect(written).toBeGreaterThan(0);
    expect({written, removed}).toEqual({written: held, removed: 0});
    // The holdout experiment's shoppers reached the server: both groups counted, an estimate with its interval.
    const experiment = /(\d+) exposed and (\d+) held-out visitors, (\d+) orders, (\d+) in the server's groups \((\d+) by "Buy it now", attributed by the web pixel; (\d+) shoppers declined analytics: not counted, their \d+ orders outside the experiment\); revenue per visitor [+-][\d.]+% \(95% interval [+-][\d.]+% to [+-][\d.]+%\)/.exec(stdout);
    expect(experiment, stdout).not.toBeNull();
    // Some shoppers decline analytics (about 20%): every shopper is either counted in one group or declined.
    const [exposed, heldOut, orders, counted, buyNow, declined] = experiment!.slice(1).map(Number);
    expect(declined).toBeGreaterThan(0);
    // Some buyers skip the cart; their orders reach the server's groups only through the web pixel, and all do.
    expect(buyNow).toBeGreaterThan(0);
    expect(counted).toBe(orders);
    expect(exposed + heldOut + declined).toBe(600);
    // The bundle discount is on: the app's measure of it (from the orders' discount allocations) equals what the
    // checked-out carts carried, printed beside the uplift it is already taken out of.
    const discount = /bundle discount given: \$([\d,.]+) in (\d+) orders .*; uplift in revenue per visitor after it [+-]\$[\d,.]+ \(95% interval [+-]\$[\d,.]+ to [+-]\$[\d,.]+\) against [+-]\$[\d,.]+ per visitor of extra discount; the orders sent carried \$([\d,.]+)/.exec(stdout);
    expect(discount, stdout).not.toBeNull();
    const [measured, discounted, sent] = discount!.slice(1).map((x) => Number(x.replace(/,/g, '')));
    expect(discounted).toBeGreaterThan(0);
    expect(measured).toBeGreaterThan(0);
    expect(measured).toBe(sent);
  }, 300_000);
});

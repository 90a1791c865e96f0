import {chromium} from 'playwright-core';
import type {Browser} from 'playwright-core';

/** Debian's `chromium`, the browser the storefront and admin tests, the demo's smoke run and the bench drive. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * No sandbox (CI runs as root), no GPU, and none of Chrome's own background traffic (updates, sync), so that a
 * page's requests are the only ones. Headless is Playwright's to set (bench/storefront.ts tells Lighthouse's launcher).
 */
export const chromiumFlags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Chromium at `chromiumPath` with `chromiumFlags`, through Playwright. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({executablePath: chromiumPath, args: chromiumFlags});
}

import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {call} from '../api/harness';

// A shop's first admin requests while Shopify cannot be reached: its token exchange fails without an answer, and
// is not tried again on each request that follows (server/app.ts). In a file of its own: the Shopify client's
// fetch, pointed at the admin origin, is one per process.

let app: TestApp;
beforeAll(async () => {
  // Nothing listens on port 1: every call to Shopify fails without an answer.
  app = await startTestApp({adminOrigin: 'http://127.0.0.1:1', onInstalled: () => {}});
});
afterAll(async () => app?.close());

describe('token exchange with Shopify unreachable', () => {
  it('a failed exchange is not tried again on each request that follows', async () => {
    const shop = 'unreachable.myshopify.com';
    const failures = () => app.logs.filter((l) => l.msg === 'token exchange failed' && l.fields?.shop === shop).length;
    expect((await call(app, shop, 'GET', '/api/settings')).status).toBe(200);
    await expect.poll(failures, {timeout: 5_000}).toBe(1);
    for (let i = 0; i < 4; i++) expect((await call(app, shop, 'GET', '/api/settings')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(failures()).toBe(1);
  });
});

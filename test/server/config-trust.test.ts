import {describe, expect, it} from 'vitest';
import {DEFAULT_INTERNAL_PORT, DEFAULT_TRUSTED_PROXIES, loadConfig} from '../../server/config';

// The trust boundaries in the configuration: where /internal/* listens, and how many proxies are believed.
const valid = {SHOPIFY_API_KEY: 'k', SHOPIFY_API_SECRET: 's', SHOPIFY_APP_URL: 'https://app.example.com'};
const queued = {...valid, PAIRWISE_QUEUE: 'redis://127.0.0.1:6379', PAIRWISE_WORKER_SECRET: 'x'.repeat(32)};

describe('loadConfig: trust boundaries', () => {
  it('defaults: the internal listener on 127.0.0.1 with PAIRWISE_QUEUE (none without), one trusted proxy', () => {
    expect(loadConfig(queued)).toMatchObject({internal: {host: '127.0.0.1', port: DEFAULT_INTERNAL_PORT}, trustedProxies: DEFAULT_TRUSTED_PROXIES});
    expect(DEFAULT_TRUSTED_PROXIES).toBe(1);
    expect(loadConfig(valid).internal).toBeUndefined();
  });

  it.each(['10.0.3.7', '172.20.0.2', '192.168.1.10', '127.0.0.2', '::1', 'fd00::5'])('the internal listener may bind the private address %s', (host) => {
    expect(loadConfig({...queued, PAIRWISE_INTERNAL_HOST: host, PAIRWISE_INTERNAL_PORT: '9001'}).internal).toEqual({host, port: 9001});
  });

  it.each([
    ['a public address', {PAIRWISE_INTERNAL_HOST: '203.0.113.9'}, /PAIRWISE_INTERNAL_HOST: a loopback or private IP address/],
    ['every address', {PAIRWISE_INTERNAL_HOST: '0.0.0.0'}, /PAIRWISE_INTERNAL_HOST/],
    ['every IPv6 address', {PAIRWISE_INTERNAL_HOST: '::'}, /PAIRWISE_INTERNAL_HOST/],
    ['a name, which could resolve anywhere', {PAIRWISE_INTERNAL_HOST: 'localhost.example.com'}, /PAIRWISE_INTERNAL_HOST/],
    ['the public port', {PORT: '3000', PAIRWISE_INTERNAL_PORT: '3000'}, /PAIRWISE_INTERNAL_PORT: must differ from PORT/],
    ['a port out of range', {PAIRWISE_INTERNAL_PORT: '70000'}, /PAIRWISE_INTERNAL_PORT/],
    ['a negative proxy count', {PAIRWISE_TRUSTED_PROXIES: '-1'}, /PAIRWISE_TRUSTED_PROXIES/],
    ['a proxy count that is not a number', {PAIRWISE_TRUSTED_PROXIES: 'true'}, /PAIRWISE_TRUSTED_PROXIES/],
  ])('refuses %s', (_case, env, message) => {
    expect(() => loadConfig({...queued, ...env})).toThrow(message);
  });

  it('PAIRWISE_TRUSTED_PROXIES counts hops, 0 when the server is reached directly', () => {
    expect(loadConfig({...valid, PAIRWISE_TRUSTED_PROXIES: '2'}).trustedProxies).toBe(2);
    expect(loadConfig({...valid, PAIRWISE_TRUSTED_PROXIES: '0'}).trustedProxies).toBe(0);
  });
});

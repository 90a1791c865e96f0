import {describe, expect, it} from 'vitest';
import {ConfigError} from '../../domain/errors';
import {loadConfig} from '../../server/config';

const base = {SHOPIFY_API_KEY: 'k', SHOPIFY_API_SECRET: 's', SHOPIFY_APP_URL: 'https://pairwise.example.com', SCOPES: 'read_orders'};

describe('training and model-cache bounds', () => {
  it('reads them from the environment', () => {
    const config = loadConfig({...base, PAIRWISE_TRAINING_CONCURRENCY: '3', PAIRWISE_MODEL_CACHE_MB: '64'});
    expect(config).toMatchObject({trainingConcurrency: 3, modelCacheBytes: 64 * 1024 * 1024});
  });

  it('defaults to half the cores (at least one) and 384 MiB', () => {
    const config = loadConfig(base);
    expect(config.trainingConcurrency).toBeGreaterThanOrEqual(1);
    expect(config.modelCacheBytes).toBe(384 * 1024 * 1024);
  });

  it.each([['PAIRWISE_TRAINING_CONCURRENCY', '0'], ['PAIRWISE_TRAINING_CONCURRENCY', 'two'], ['PAIRWISE_MODEL_CACHE_MB', '-5']])('%s=%s stops start-up naming it', (name, value) => {
    expect(() => loadConfig({...base, [name]: value})).toThrow(ConfigError);
    expect(() => loadConfig({...base, [name]: value})).toThrow(name);
  });
});

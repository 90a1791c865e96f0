import {readFileSync} from 'node:fs';
import {BlockList, isIP} from 'node:net';
import {availableParallelism} from 'node:os';
import {parse as parseToml} from 'smol-toml';
import {z} from 'zod';
import {ConfigError} from '../domain/errors';

/** Typed configuration from the environment (contracts: "Configuration"). */
export interface Config {
  apiKey: string;
  apiSecret: string;
  appUrl: URL;
  scopes: string[];
  port: number;
  dataDir: string;
  /** Where Admin API calls go instead of https://<shop>; set only by the demo and tests (the Shopify stand-in). */
  adminOrigin?: string;
  /** Trainings that run at once, all shops together; unset: `defaultTrainingConcurrency()`. */
  trainingConcurrency?: number;
  /** Bytes of models the storefront keeps in memory, all shops together; unset: `DEFAULT_MODEL_CACHE_MB`. */
  modelCacheBytes?: number;
  /** `redis://host:port`: trainings go to BullMQ workers ([L]); unset: the in-process queue. */
  queueUrl?: string;
  /** Signs every request between this host and a worker (`/internal/*`); set whenever `queueUrl` is. */
  workerSecret?: string;
  /** The largest result upload a worker may send, compressed; unset: `DEFAULT_WORKER_UPLOAD_MB`. */
  workerUploadBytes?: number;
  /** The internal listener (`/internal/*` for workers), with `queueUrl`: its port and address (loopback or private). */
  internal?: {port: number; host: string};
  /** Proxies in front of the server that append the client's address to X-Forwarded-For; unset: `DEFAULT_TRUSTED_PROXIES`. */
  trustedProxies?: number;
}

/** Half the cores, at least one: training is CPU-bound, and the other half serves requests. */
export function defaultTrainingConcurrency(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/** About 30 shops of 20k products held as typed columns (12.4 MiB each); with it 200 such shops in rotation keep the server under 1 GiB (bench memory). */
export const DEFAULT_MODEL_CACHE_MB = 384;

/** Bounds what one result upload holds in the app host's memory (it is read whole, after its signed headers are checked); larger shops raise it. */
export const DEFAULT_WORKER_UPLOAD_MB = 160;

/**
 * Shopify's app proxy is the one hop every storefront request takes (it adds the shopper's address to
 * X-Forwarded-For); a load balancer of your own in front of the server adds another, and is counted in
 * PAIRWISE_TRUSTED_PROXIES. A count above the real one lets a client choose its own address.
 */
export const DEFAULT_TRUSTED_PROXIES = 1;

export const DEFAULT_INTERNAL_PORT = 3001;

/** Where the internal listener may bind: loopback and private networks (RFC 1918, RFC 4193), never a public address. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

export function isPrivateAddress(host: string): boolean {
  const family = isIP(host);
  return family !== 0 && PRIVATE.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

const env = z.object({
  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: z.url({protocol: /^https?$/}),
  SCOPES: z.string().regex(/^[a-z_]+(,[a-z_]+)*$/, 'comma-separated access scopes').optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PAIRWISE_DATA_DIR: z.string().min(1).default('./data'),
  PAIRWISE_ADMIN_ORIGIN: z.url({protocol: /^https?$/}).optional(),
  PAIRWISE_TRAINING_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  PAIRWISE_MODEL_CACHE_MB: z.coerce.number().int().min(1).max(1_048_576).optional(),
  PAIRWISE_QUEUE: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'unset for the in-process queue, or redis://host:port').optional(),
  PAIRWISE_WORKER_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  PAIRWISE_WORKER_UPLOAD_MB: z.coerce.number().int().min(1).max(4096).optional(),
  PAIRWISE_INTERNAL_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_INTERNAL_PORT),
  PAIRWISE_INTERNAL_HOST: z.string().refine(isPrivateAddress, 'a loopback or private IP address (10/8, 172.16/12, 192.168/16, 127/8, ::1, fc00::/7)').default('127.0.0.1'),
  PAIRWISE_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(DEFAULT_TRUSTED_PROXIES),
})
  .refine((e) => !e.PAIRWISE_QUEUE || e.PAIRWISE_WORKER_SECRET, {path: ['PAIRWISE_WORKER_SECRET'], message: 'required with PAIRWISE_QUEUE (it signs the workers\' requests)'})
  .refine((e) => !e.PAIRWISE_QUEUE || e.PAIRWISE_INTERNAL_PORT !== e.PORT, {path: ['PAIRWISE_INTERNAL_PORT'], message: 'must differ from PORT (the public port never serves /internal/*)'});

/**
 * The scopes in shopify.app.toml's `[access_scopes]`, so the toml stays the one place they are written
 * (https://shopify.dev/docs/apps/build/cli-for-apps/app-configuration#access_scopes).
 */
export function scopesFromToml(tomlPath = new URL('../shopify.app.toml', import.meta.url)): string[] {
  const scopes = (parseToml(readFileSync(tomlPath, 'utf8')).access_scopes as {scopes?: unknown} | undefined)?.scopes;
  if (typeof scopes !== 'string') throw new ConfigError('shopify.app.toml has no [access_scopes] scopes string');
  return scopes.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Reads and validates the environment; throws ConfigError naming every missing or bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${source[String(i.path[0])] === undefined ? 'missing' : i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    apiKey: e.SHOPIFY_API_KEY,
    apiSecret: e.SHOPIFY_API_SECRET,
    appUrl: new URL(e.SHOPIFY_APP_URL),
    scopes: e.SCOPES ? e.SCOPES.split(',') : scopesFromToml(),
    port: e.PORT,
    dataDir: e.PAIRWISE_DATA_DIR,
    adminOrigin: e.PAIRWISE_ADMIN_ORIGIN,
    trainingConcurrency: e.PAIRWISE_TRAINING_CONCURRENCY ?? defaultTrainingConcurrency(),
    modelCacheBytes: (e.PAIRWISE_MODEL_CACHE_MB ?? DEFAULT_MODEL_CACHE_MB) * 1024 * 1024,
    queueUrl: e.PAIRWISE_QUEUE,
    workerSecret: e.PAIRWISE_WORKER_SECRET,
    workerUploadBytes: (e.PAIRWISE_WORKER_UPLOAD_MB ?? DEFAULT_WORKER_UPLOAD_MB) * 1024 * 1024,
    internal: e.PAIRWISE_QUEUE ? {port: e.PAIRWISE_INTERNAL_PORT, host: e.PAIRWISE_INTERNAL_HOST} : undefined,
    trustedProxies: e.PAIRWISE_TRUSTED_PROXIES,
  };
}

import {createHmac, randomUUID} from 'node:crypto';
import {createServer, request} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {IncomingMessage, Server} from 'node:http';
import fc from 'fast-check';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createShopify} from '../../../server/shopify';
import {webhookVerifier} from '../../../server/webhooks/verify';

/**
 * Differential test: our webhook verifier against `shopify.webhooks.validate` of @shopify/shopify-api, both
 * given the same request as Node's HTTP server parsed it (header case folded, repeated headers joined), on
 * generated deliveries: valid, tampered, re-encoded, with headers missing, empty, repeated or in another case.
 */

// Not ASCII: the key is the secret's UTF-8 bytes in both.
const SECRET = 'shpss_différentiel-🔑-secret';
const RUNS = 1500;

type Verdicts = {library: unknown; ours: unknown};

let server: Server;
let port: number;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  const shopify = createShopify({
    apiKey: 'differential-key', apiSecret: SECRET, appUrl: new URL('http://127.0.0.1'), scopes: ['read_orders'], port: 0, dataDir: '/nonexistent',
  });
  const ours = webhookVerifier(SECRET);
  server = createServer((req, res) => {
    void readBody(req).then(async (raw) => {
      // The route hands the library the body as a UTF-8 string; the same here.
      const library = await shopify.webhooks.validate({rawBody: raw.toString('utf8'), rawRequest: req, rawResponse: res});
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({library, ours: ours(raw, req.headers)} satisfies Verdicts));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw header lines (name, value pairs, in order, repeats kept) and the body bytes. */
function deliver(headers: [string, string][], body: Buffer): Promise<Verdicts> {
  const lines = [['Host', '127.0.0.1'], ...headers, ['Content-Length', String(body.length)]].flat();
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, method: 'POST', path: '/', headers: lines}, (res) => {
      void readBody(res).then((b) => (res.statusCode === 200 ? resolve(JSON.parse(b.toString('utf8')) as Verdicts) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sign = (bytes: Buffer | string, secret = SECRET) => createHmac('sha256', secret).update(bytes).digest('base64');

/** Bodies: JSON, any Unicode, arbitrary bytes (mostly not UTF-8), UTF-8 with a BOM, empty. */
const bodyArb: fc.Arbitrary<Buffer> = fc.oneof(
  {weight: 3, arbitrary: fc.json().map((s) => Buffer.from(s, 'utf8'))},
  {weight: 2, arbitrary: fc.string({unit: 'binary', minLength: 1, maxLength: 60}).map((s) => Buffer.from(s, 'utf8'))},
  {weight: 2, arbitrary: fc.uint8Array({minLength: 1, maxLength: 80}).map((a) => Buffer.from(a))},
  {weight: 1, arbitrary: fc.string({maxLength: 20}).map((s) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]))},
  {weight: 1, arbitrary: fc.constant(Buffer.alloc(0))},
);

/** Header values as a client can send them: printable ASCII and Latin-1 (Node decodes header bytes as Latin-1). */
const latin1Arb = fc.string({unit: fc.oneof(fc.integer({min: 0x20, max: 0x7e}), fc.integer({min: 0xa0, max: 0xff})).map((c) => String.fromCharCode(c)), maxLength: 12});

/** What goes in the HMAC header, given the body bytes sent. */
type Signature = (body: Buffer) => string;
const signatureArb: fc.Arbitrary<Signature> = fc.oneof(
  {weight: 8, arbitrary: fc.constant((b: Buffer) => sign(b))},
  // What the library signs when the bytes are not UTF-8: the decoded string, re-encoded.
  {weight: 4, arbitrary: fc.constant((b: Buffer) => sign(b.toString('utf8')))},
  fc.constant((b: Buffer) => sign(Buffer.concat([b, Buffer.from(' ')]))),
  fc.constant((b: Buffer) => sign(b, 'another-secret')),
  fc.constant((b: Buffer) => Buffer.from(sign(b), 'base64').toString('hex')),
  fc.constant((b: Buffer) => Buffer.from(sign(b), 'base64').toString('base64url')),
  fc.constant((b: Buffer) => sign(b).slice(0, 43)),
  fc.constant((b: Buffer) => sign(b).toLowerCase()),
  fc.constant((b: Buffer) => ` ${sign(b)}\t`),
  fc.constant(() => ''),
  latin1Arb.map((s) => () => s),
);

/** How one header appears: as Shopify sends it, absent, empty, twice, with another value, or in another case. */
type Shape = 'as-is' | 'absent' | 'empty' | 'twice' | 'twice-other' | 'other' | 'lower' | 'upper';
const shapeArb = fc.oneof(
  {weight: 12, arbitrary: fc.constant<Shape>('as-is')},
  {weight: 1, arbitrary: fc.constantFrom<Shape>('absent', 'empty', 'twice', 'twice-other', 'other', 'lower', 'upper')},
);

const BASE_NAMES = ['Hmac-Sha256', 'Topic', 'Shop-Domain', 'API-Version', 'Webhook-Id', 'Triggered-At', 'Event-Id', 'Name', 'Handle', 'Action'] as const;

const deliveryArb = fc.record({
  body: bodyArb,
  // Which bytes are sent: those signed, or one byte changed after signing.
  tamper: fc.oneof({weight: 4, arbitrary: fc.constant(null)}, {weight: 1, arbitrary: fc.nat()}),
  signature: signatureArb,
  // Webhooks carry `X-Shopify-*`, events deliveries `shopify-*`; a forger may send both.
  prefixes: fc.constantFrom<string[]>(['X-Shopify-'], ['shopify-'], ['X-Shopify-', 'shopify-'], ['shopify-', 'X-Shopify-']),
  topic: fc.constantFrom('orders/create', 'products.update', 'app/uninstalled', 'ßtraße/ÿ', 'customers/data_request'),
  shapes: fc.array(shapeArb, {minLength: BASE_NAMES.length * 2, maxLength: BASE_NAMES.length * 2}),
  other: latin1Arb,
});

function build(d: DeliveryValue): {headers: [string, string][]; body: Buffer} {
  const hmac = d.signature(d.body);
  let body = d.body;
  if (d.tamper !== null && body.length > 0) {
    body = Buffer.from(body);
    body[d.tamper % body.length] ^= 1 + (d.tamper % 255);
  }
  const headers: [string, string][] = [['Content-Type', 'application/json']];
  d.prefixes.forEach((prefix, p) => {
    const values: Record<(typeof BASE_NAMES)[number], string> = {
      'Hmac-Sha256': hmac, Topic: d.topic, 'Shop-Domain': 'differential.myshopify.com', 'API-Version': '2026-10', 'Webhook-Id': randomUUID(),
      'Triggered-At': '2026-12-01T10:00:00.000Z', 'Event-Id': randomUUID(), Name: 'pairwise-orders', Handle: 'pairwise', Action: 'create',
    };
    BASE_NAMES.forEach((base, i) => {
      const name = prefix + base;
      const value = values[base];
      const shape = d.shapes[p * BASE_NAMES.length + i];
      if (shape === 'absent') return;
      if (shape === 'empty') headers.push([name, '']);
      else if (shape === 'twice') headers.push([name, value], [name, value]);
      else if (shape === 'twice-other') headers.push([name, value], [name, d.other]);
      else if (shape === 'other') headers.push([name, d.other]);
      else headers.push([shape === 'lower' ? name.toLowerCase() : shape === 'upper' ? name.toUpperCase() : name, value]);
    });
  });
  return {headers, body};
}

type DeliveryValue = {body: Buffer; tamper: number | null; signature: Signature; prefixes: string[]; topic: string; shapes: Shape[]; other: string};

const asShopify = (overrides: Partial<DeliveryValue> = {}): DeliveryValue => ({
  body: Buffer.from('{"id":820982911946154508,"line_items":[]}'), tamper: null, signature: (b) => sign(b), prefixes: ['X-Shopify-'],
  topic: 'orders/create', shapes: BASE_NAMES.map((): Shape => 'as-is').concat(BASE_NAMES.map((): Shape => 'as-is')), other: 'x', ...overrides,
});

describe('webhook verification agrees with shopify.webhooks.validate', () => {
  // The named cases first, each with the verdict both must give, so a regression in either reads plainly.
  it.each<[string, DeliveryValue, string | true]>([
    ['a delivery as Shopify sends it', asShopify(), true],
    ['an events-style delivery', asShopify({prefixes: ['shopify-']}), true],
    ['a tampered body', asShopify({tamper: 3}), 'invalid_hmac'],
    ['an empty body', asShopify({body: Buffer.alloc(0)}), 'missing_body'],
    ['bytes that are not UTF-8, signed as sent', asShopify({body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d])}), 'invalid_hmac'],
    ['bytes that are not UTF-8, signed as the library re-encodes them', asShopify({body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), signature: (b) => sign(b.toString('utf8'))}), true],
    ['Unicode in the body', asShopify({body: Buffer.from('{"note":"Grüße 🎁 \u2028"}')}), true],
    ['the HMAC in hex', asShopify({signature: (b) => Buffer.from(sign(b), 'base64').toString('hex')}), 'invalid_hmac'],
    ['the HMAC header missing', asShopify({shapes: asShopify().shapes.map((s, i) => (i === 0 ? 'absent' : s))}), 'missing_hmac'],
    ['the HMAC header twice', asShopify({shapes: asShopify().shapes.map((s, i) => (i === 0 ? 'twice' : s))}), 'invalid_hmac'],
    ['the topic header missing', asShopify({shapes: asShopify().shapes.map((s, i) => (i === 1 ? 'absent' : s))}), 'missing_headers'],
  ])('%s', async (_name, d, expected) => {
    const {headers, body} = build(d);
    const {library, ours} = await deliver(headers, body);
    expect(ours).toEqual(library);
    expect(expected === true ? (library as {valid: boolean}).valid : (library as {reason: string}).reason).toBe(expected);
  });

  it(`on ${RUNS} generated deliveries`, async () => {
    const verdicts = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(deliveryArb, async (d) => {
        const {headers, body} = build(d);
        const {library, ours} = await deliver(headers, body);
        expect(ours).toEqual(library);
        const v = library as {valid: boolean; reason?: string};
        verdicts.set(v.valid ? 'valid' : v.reason!, (verdicts.get(v.valid ? 'valid' : v.reason!) ?? 0) + 1);
      }),
      {numRuns: RUNS},
    );
    // The generator reaches every verdict, valid ones included, often enough to mean something.
    for (const verdict of ['valid', 'invalid_hmac', 'missing_hmac', 'missing_body', 'missing_headers']) expect(verdicts.get(verdict) ?? 0).toBeGreaterThan(RUNS / 100);
  }, 60_000);
});

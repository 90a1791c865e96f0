import type {AddressInfo} from 'node:net';
import express from 'express';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {BackfillError, NoOfflineSession, SchemaMismatch, ShopGone, TrainerNotBuilt, UnreadablePayload} from '../../domain/errors';
import {errorHandler} from '../../server/http-errors';

// What reaches the client when a route throws: every PairwiseError with its own status and code, a parser's 4xx
// as itself, anything else as a 500 that says nothing about the inside (and is logged).

const thrown: Record<string, () => Error> = {
  'shop-gone': () => new ShopGone('no data for x.myshopify.com'),
  'schema': () => new SchemaMismatch('schema version 9'),
  'trainer': () => new TrainerNotBuilt('run npm run build'),
  'offline': () => new NoOfflineSession('open the app once'),
  'backfill': () => new BackfillError('bulk operation failed'),
  'payload': () => new UnreadablePayload('body is not JSON'),
  'bug': () => new TypeError('cannot read properties of undefined'),
};
const logged: string[] = [];
let url: string;
let close: () => void;

beforeAll(async () => {
  const app = express();
  app.get('/throw/:kind', (req) => {
    throw thrown[req.params.kind]();
  });
  app.post('/json', express.json(), (_req, res) => void res.json({}));
  app.use(errorHandler((_level, msg, fields) => void logged.push(`${msg} ${JSON.stringify(fields)}`)));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

describe('errorHandler', () => {
  it.each([
    ['shop-gone', 404, 'shop_gone'],
    ['schema', 503, 'schema_mismatch'],
    ['trainer', 503, 'trainer_not_built'],
    ['offline', 409, 'no_offline_session'],
    ['backfill', 502, 'backfill_failed'],
    ['payload', 400, 'unreadable_payload'],
    ['bug', 500, 'internal'],
  ])('%s -> %i %s', async (kind, status, code) => {
    const res = await fetch(`${url}/throw/${kind}`);
    expect(res.status).toBe(status);
    const body = (await res.json()) as {error: {code: string; message: string}};
    expect(body.error.code).toBe(code);
    if (status === 500) expect(body.error.message).toBe('internal error');
    expect(logged.some((l) => l.includes(thrown[kind]().message))).toBe(status >= 500);
  });

  it('answers a malformed JSON body with the parser\'s 400, not a 500', async () => {
    const res = await fetch(`${url}/json`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{"a":'});
    expect(res.status).toBe(400);
  });
});

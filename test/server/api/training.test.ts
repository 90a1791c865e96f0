import type {AddressInfo} from 'node:net';
import type {Server} from 'node:http';
import express from 'express';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {requireSessionToken} from '../../../server/auth/session-token';
import {apiRouter} from '../../../server/routes/api';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';
import {seedStore} from './fixture';

const SHOP = 'coffee-corner.myshopify.com';
let app: ApiApp;
let server: Server;
/** The api behind the real guard, with the training job replaced by a recorder: a real run is the trainer's test. */
let api: {url: string; apiKey: string; secret: string};
const trainings: string[] = [];

beforeAll(async () => {
  app = await startApiApp();
  seedStore(app.ctx.shopDbs.get(SHOP as never), 1000);
  const router = apiRouter(app.ctx, {startTraining: (_dir, shop) => void trainings.push(shop)});
  server = express().use('/api', requireSessionToken(app.ctx), express.json(), router).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  api = {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: app.apiKey, secret: app.secret};
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await app?.close();
});

describe('training', () => {
  it('shows the active model with its evaluation and the runs', async () => {
    const {status, json} = await call(app, SHOP, 'GET', '/api/training');
    expect(status).toBe(200);
    expect(json.active).toMatchObject({version: 1, kind: 'model', backend: 'cpu'});
    expect(json.active.report.eval.model.hr).toBe(0.42);
    expect(json.runs[0]).toMatchObject({status: 'published', progress: 1, version: 1});
    expect(json.running).toBeNull();
  });

  it("starts a run for the token's shop, and refuses a second while one is going", async () => {
    const {status} = await call(api, SHOP, 'POST', '/api/training');
    expect(status).toBe(202);
    expect(trainings).toEqual([SHOP]);
    // What the trainer writes when it starts: a running row.
    app.ctx.shopDbs.get(SHOP as never).prepare(`INSERT INTO train_runs (started_at, status, stage, progress) VALUES (?, 'running', 'pairs', 0.4)`).run(new Date().toISOString());
    const again = await call(api, SHOP, 'POST', '/api/training');
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('training_running');
    expect(trainings).toEqual([SHOP]);
    expect((await call(app, SHOP, 'GET', '/api/training')).json.running).toMatchObject({stage: 'pairs', progress: 0.4});
  });
});

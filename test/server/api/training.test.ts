import type {AddressInfo} from 'node:net';
import type {Server} from 'node:http';
import express from 'express';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {requireSessionToken} from '../../../server/auth/session-token';
import {trainRunsRepo} from '../../../storage/repos/train-runs';
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
/** Stands in for jobs/train.ts: one run per shop until `finish`. */
let runningShop: string | null = null;

beforeAll(async () => {
  app = await startApiApp();
  seedStore(app.services.shopDbs.get(SHOP as never), 1000);
  const router = apiRouter({
    ...app.services,
    training: {
      start: (shop) => {
        if (runningShop === shop) return {started: false, reason: 'a training run is already in progress for this shop'};
        runningShop = shop;
        trainings.push(shop);
        return {started: true, runId: trainRunsRepo(app.services.shopDbs.get(shop)).start()};
      },
      done: async () => {},
      stop: async () => {},
      position: () => null,
      resume: () => {},
    },
  });
  server = express().use('/api', requireSessionToken(app.services), express.json(), router).listen(0, '127.0.0.1');
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

  it("starts a run for the token's shop, shows its progress, and refuses a second while one is going", async () => {
    const {status, json} = await call(api, SHOP, 'POST', '/api/training');
    expect(status).toBe(202);
    expect(trainings).toEqual([SHOP]);
    expect(json.running).toMatchObject({id: json.runId, status: 'running', stage: 'starting'});
    trainRunsRepo(app.services.shopDbs.get(SHOP as never)).progress(json.runId, 'pairs', 0.4);
    const again = await call(api, SHOP, 'POST', '/api/training');
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('training_running');
    expect(trainings).toEqual([SHOP]);
    expect((await call(app, SHOP, 'GET', '/api/training')).json.running).toMatchObject({stage: 'pairs', progress: 0.4});
  });
});

import {afterAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../devkit/store-generator';
import type {StoreOrder} from '../../devkit/store-generator';
import {openShopDb} from '../../storage/open';
import {ordersRepo} from '../../storage/repos/orders';
import {receiptsRepo} from '../../storage/repos/receipts';
import {startServerProcess} from '../../devkit/server-process';
import type {ServerProcess} from '../../devkit/server-process';
import {orderPayload, sendWebhook, signedWebhook} from '../../devkit/webhooks';
import type {SignedWebhook} from '../../devkit/webhooks';
import {sized} from './mode';

const SHOP = 'crash-ingest.myshopify.com';
const ORDERS = sized(400, 2000);
const SENDERS = 8;
/** Kill once this share of the burst has been acknowledged: well inside the burst, with requests in flight. */
const KILL_AT = 0.35;

interface Delivery {
  order: StoreOrder;
  webhookId: string;
  signed?: SignedWebhook;
  /** 200 received from the server before it died. */
  acked: boolean;
}

/** Sends the deliveries from several concurrent senders; `onAck` may kill the server mid-burst. */
async function burst(server: ServerProcess, deliveries: Delivery[], onAck: (acked: number) => void): Promise<{failed: number}> {
  let next = 0;
  let acked = 0;
  let failed = 0;
  await Promise.all(
    Array.from({length: SENDERS}, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++];
        try {
          const res = await sendWebhook(`${server.url}/webhooks`, d.signed!);
          if (res.status === 200) {
            d.acked = true;
            onAck(++acked);
          } else {
            failed++;
          }
        } catch {
          failed++; // connection reset or refused: the server is gone
        }
      }
    }),
  );
  return {failed};
}

function orderLines(o: StoreOrder): number[] {
  return o.lines.map((l) => l.id).sort((a, b) => a - b);
}

let server: ServerProcess | undefined;
afterAll(async () => server?.close());

describe('crash during ingest', () => {
  it(`keeps every acknowledged webhook of a ${ORDERS}-order burst killed with SIGKILL, and re-delivery completes the set once`, async () => {
    server = await startServerProcess();
    const secret = server.secret;
    const orders = [...generateStore({seed: 11, orders: ORDERS, products: 300}).orders()];
    const deliveries: Delivery[] = orders.map((order, i) => ({order, webhookId: `crash-${i}`, acked: false}));
    for (const d of deliveries) {
      d.signed = signedWebhook({topic: 'orders/create', shop: SHOP, secret, body: orderPayload(d.order), webhookId: d.webhookId});
    }

    let killing: Promise<void> | undefined;
    const {failed} = await burst(server, deliveries, (acked) => {
      if (!killing && acked >= ORDERS * KILL_AT) killing = server!.kill();
    });
    await killing;
    const acked = deliveries.filter((d) => d.acked);
    // The kill landed mid-burst: some deliveries were acknowledged, some were not.
    expect(acked.length).toBeGreaterThanOrEqual(ORDERS * KILL_AT);
    expect(acked.length).toBeLessThan(ORDERS);
    expect(failed).toBeGreaterThan(0);

    // With the server dead, read the file it left behind: every 200 is on disk, with all its lines.
    const afterCrash = openShopDb(server.dataDir, SHOP);
    try {
      const orders = ordersRepo(afterCrash);
      const receipts = receiptsRepo(afterCrash);
      const missing = acked.filter((d) => !receipts.has(d.webhookId) || orders.get(d.order.id) === undefined);
      expect(missing.map((d) => d.webhookId)).toEqual([]);
      for (const d of acked) expect(orders.get(d.order.id)!.lines.map((l) => l.line_id)).toEqual(orderLines(d.order));
    } finally {
      afterCrash.close();
    }

    // Shopify re-delivers what it did not get a 200 for (same webhook ids); a few acknowledged ones come twice.
    await server.restart();
    const redelivery = [...deliveries.filter((d) => !d.acked), ...acked.slice(0, 20)];
    for (const d of redelivery) d.acked = false;
    await burst(server, redelivery, () => {});
    expect(redelivery.filter((d) => !d.acked).map((d) => d.webhookId)).toEqual([]);
    console.info(`crash-ingest: ${acked.length} of ${ORDERS} acknowledged before SIGKILL, ${failed} cut off or refused; ${redelivery.length} re-delivered`);
    await server.kill();

    const final = openShopDb(server.dataDir, SHOP);
    try {
      const repo = ordersRepo(final);
      const receipts = receiptsRepo(final);
      expect(repo.counts().orders).toBe(ORDERS);
      for (const d of deliveries) {
        expect(receipts.has(d.webhookId)).toBe(true);
        expect(repo.get(d.order.id)?.lines.map((l) => l.line_id)).toEqual(orderLines(d.order));
      }
    } finally {
      final.close();
    }
    expect(server.stderr).not.toMatch(/"level":"error"/);
  }, 120_000);
});

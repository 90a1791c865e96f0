import type {ShopDomain} from '../../storage/shop-domain';

/**
 * Promises for "the shop has left the training queue", shared by both queue implementations: `settled` hands out
 * one promise per shop (resolved at once when the shop holds no entry), `left` resolves it when the entry goes.
 */
export class ShopWaiters {
  private readonly waiting = new Map<ShopDomain, {promise: Promise<void>; resolve: () => void}>();

  /** Resolves when `left(shop)` is called; at once when `inQueue` is false. */
  settled(shop: ShopDomain, inQueue: boolean): Promise<void> {
    if (!inQueue) return Promise.resolve();
    let waiter = this.waiting.get(shop);
    if (!waiter) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiting.set(shop, (waiter = {promise, resolve}));
    }
    return waiter.promise;
  }

  left(shop: ShopDomain): void {
    this.waiting.get(shop)?.resolve();
    this.waiting.delete(shop);
  }
}

import {LRUCache} from 'lru-cache';
import {MAX_CLOCK_SKEW_MS} from '../../domain/worker-signature';

/**
 * The worker signatures this host has accepted, so that each signed request takes effect once: a captured
 * request replayed inside its time window (a `begin` that would fail the honest worker's attempt) is refused.
 * A signature is kept until its timestamp leaves the window, when the time check refuses it anyway; requests
 * signed before this host started are refused too, since the set cannot have seen them (a restart forgets it).
 * The set is bounded; when full of signatures still in their window it refuses new requests for a while
 * (`full`) rather than forget one that could then be replayed. Only requests that carry a valid HMAC reach it,
 * so only holders of the secret can fill it.
 */
export class SeenSignatures {
  private readonly seen: LRUCache<string, true>;
  private readonly startedAt: number;

  constructor(
    readonly max = 100_000,
    now = Date.now(),
  ) {
    this.startedAt = now;
    // A timestamp up to the skew in the future stays valid until the skew past it: twice the skew from now.
    this.seen = new LRUCache({max, ttl: 2 * MAX_CLOCK_SKEW_MS, ttlAutopurge: false});
  }

  /** Records a verified request's signature: `fresh` the first time, else why it is refused. */
  take(signature: string, timestamp: number): 'fresh' | 'replayed' | 'signed before start' | 'full' {
    if (timestamp < this.startedAt) return 'signed before start';
    if (this.seen.has(signature)) return 'replayed';
    if (this.seen.size >= this.max) {
      this.seen.purgeStale();
      if (this.seen.size >= this.max) return 'full';
    }
    this.seen.set(signature, true);
    return 'fresh';
  }
}

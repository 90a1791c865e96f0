import type {ShopDomain} from '../../storage/shop-domain';

/** Where a shop stands in the training queue; a run on a BullMQ worker names the worker. */
export type QueuePosition = {state: 'queued'; ahead: number} | {state: 'running'; worker?: string};

/** Who asked: a merchant's "Retrain now" goes before the schedule where the queue orders by priority (BullMQ). */
export type TrainingPriority = 'merchant' | 'schedule';

/** What adding a shop did: added (and where it stands now), or refused because it is already queued or running. */
export type AddResult = {added: true; position: QueuePosition | null} | {added: false; position: QueuePosition};

/**
 * The training queue: every training waits here for one of a fixed number of slots, across all shops, so a
 * tick that finds every shop stale does not start a trainer per shop. A shop is in it at most once; shops run
 * in order of arrival, so each shop's next run goes behind every shop already waiting (round robin). Entries
 * outlive the process. The in-process implementation (queue-in-process.ts) runs the trainers itself; a
 * distributed one ([L], BullMQ) hands them to workers elsewhere. Answers are synchronous: an implementation
 * answers from the app host's own record and may forward to its backend in the background.
 */
export interface TrainingQueue {
  /** Queues the shop's next run; refused while the shop is queued or running. A free slot starts it at once. */
  add(shop: ShopDomain, priority?: TrainingPriority): AddResult;
  /** Where the shop stands, or null when it is neither queued nor running. */
  position(shop: ShopDomain): QueuePosition | null;
  /** Takes the shop out if it is waiting (shop/redact); a running one ends through its runner. */
  remove(shop: ShopDomain): void;
  /** Resolves when the shop is no longer in the queue: its run, and what follows it, ended, or it was removed. */
  settled(shop: ShopDomain): Promise<void>;
  /** Start-up: entries left by a stopped server run again, waiting ones in their order, interrupted ones retried once. */
  resume(): void;
  /** Runs going now, all shops together. */
  running(): number;
  /** Why trainings cannot start now (the queue's backend is unreachable), or null; a queue of this host is never paused. */
  paused?(): string | null;
}

/** Runs one shop's training; resolves when it and what follows it are done (never rejects for a failed run). */
export type TrainingRunner = (shop: ShopDomain) => Promise<void>;

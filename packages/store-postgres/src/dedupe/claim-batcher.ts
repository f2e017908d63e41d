import { AbortedError, type BotkeelError, type ClaimResult, type Clock } from '@botkeel/core';
import { type Pool, type PoolClient } from 'pg';
import { poolWaitBudgetMs } from '../sql/run-query.js';
import { toStoreError } from '../sql/to-store-error.js';
import { type BatchStates, ClaimSender } from './claim-sender.js';
import { type ClaimStatements } from './claim-statements.js';

/** The most claims one statement carries; more wait for the next batch. */
export const maxClaimsPerBatch = 500;

/** How often a claim whose key was neither taken nor found live (a race with another writer) is retried. */
const classifyAttempts = 3;

const operation = 'dedupe claim';

/** One caller of `claim`, waiting for its batch. */
interface PendingClaim {
  readonly key: string;
  readonly leaseMs: number;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (result: ClaimResult) => void;
  readonly reject: (error: BotkeelError) => void;
  onAbort: (() => void) | undefined;
  attempts: number;
  isSettled: boolean;
}

/** The callers of one key in one batch: the first one's claim is sent; the others answer after it. */
interface KeyGroup {
  readonly key: string;
  readonly claims: PendingClaim[];
}

/** A client the batcher checked out, with the error its connection reported while held (if any). */
interface HeldClient {
  readonly client: PoolClient;
  failure: Error | undefined;
  readonly onError: (error: Error) => void;
}

/** `pg`'s `max` of the pool (10 when `pg` did not say). */
function poolMaxClients(pool: Pool): number {
  const max = (pool as { options?: { max?: unknown } }).options?.max;
  return typeof max === 'number' && max > 0 ? max : 10;
}

function settle(claim: PendingClaim, result: ClaimResult): void {
  if (claim.isSettled) return;
  claim.isSettled = true;
  if (claim.onAbort !== undefined) claim.signal?.removeEventListener('abort', claim.onAbort);
  claim.resolve(result);
}

function fail(claim: PendingClaim, error: BotkeelError): void {
  if (claim.isSettled) return;
  claim.isSettled = true;
  if (claim.onAbort !== undefined) claim.signal?.removeEventListener('abort', claim.onAbort);
  claim.reject(error);
}

/**
 * Coalesces the claims that arrive in the same event-loop turn into ONE statement per batch (up to
 * {@link maxClaimsPerBatch} claims), with at most as many batches in flight as the pool has clients;
 * claims that arrive while all of them run wait for the next batch. One key is sent once per batch:
 * its first caller gets the statement's answer, later callers of that key in the same batch get what
 * a second claim right after it gets (`'in-progress'` after a `'claimed'`). A failed batch rejects
 * only its own callers. An abort before the batch is sent drops the caller from it; after, the
 * caller rejects at once and the statement still completes on the server.
 *
 * While claims keep coming the batcher keeps its pool client: a batch that finished parks its client
 * until the end of the turn (the same `setImmediate` that sends the next batch), so the next batch
 * (e.g. the same caller's next claim) reuses it without a pool checkout; a client no batch took by
 * then goes back to the pool, and so does a parked client while anyone else waits for the pool (no
 * starving of other stores or `complete()`). A client whose statement failed is discarded, never reused.
 *
 * @example
 * ```ts
 * const batcher = new ClaimBatcher(pool, clock, claimStatements(table));
 * const result = await batcher.claim('tg:1:42', 30_000, undefined);
 * ```
 */
export class ClaimBatcher {
  private readonly maxBatches: number;
  private readonly sender: ClaimSender;
  private queue: PendingClaim[] = [];
  /** Batches checking a client out or running a statement. */
  private running = 0;
  /** Clients whose batch finished since the last flush; the flush reuses or releases them. */
  private readonly parked: HeldClient[] = [];
  private isFlushScheduled = false;
  private readonly flush = () => {
    this.isFlushScheduled = false;
    this.startBatches();
    this.releaseParked();
  };

  constructor(
    private readonly pool: Pool,
    clock: Clock,
    statements: ClaimStatements,
  ) {
    this.maxBatches = poolMaxClients(pool);
    this.sender = new ClaimSender(statements, clock);
  }

  /** Queues a claim for the next batch; settles with its result. */
  claim(key: string, leaseMs: number, signal: AbortSignal | undefined): Promise<ClaimResult> {
    return new Promise<ClaimResult>((resolve, reject) => {
      const claim: PendingClaim = {
        key,
        leaseMs,
        signal,
        resolve,
        reject,
        onAbort: undefined,
        attempts: 0,
        isSettled: false,
      };
      if (signal !== undefined) {
        claim.onAbort = () => {
          fail(claim, new AbortedError(`Postgres ${operation} was aborted`, { cause: signal.reason }));
        };
        signal.addEventListener('abort', claim.onAbort, { once: true });
      }
      this.enqueue(claim);
    });
  }

  private enqueue(claim: PendingClaim): void {
    this.queue.push(claim);
    // With every client busy, the next batch to finish schedules the flush.
    if (this.running < this.maxBatches) this.scheduleFlush();
  }

  /** Sends the queue at the end of this turn (after the current I/O callbacks and their microtasks). */
  private scheduleFlush(): void {
    if (this.isFlushScheduled) return;
    this.isFlushScheduled = true;
    setImmediate(this.flush);
  }

  private startBatches(): void {
    while (this.running < this.maxBatches) {
      const groups = this.takeBatch();
      if (groups === undefined) return;
      this.running += 1;
      const held = this.parked.pop();
      // Reused only when nobody else waits for the pool (other stores' statements, complete()):
      // otherwise it goes back to the pool, which serves its waiters in order, so a steady flow of
      // claims cannot starve them.
      if (held !== undefined && held.failure === undefined && this.mayKeep()) {
        this.runBatch(held, groups);
      } else {
        if (held !== undefined) this.giveBack(held, held.failure);
        this.checkOut(groups);
      }
    }
  }

  /** Whether a parked client may serve the next batch: the pool is not closing and nobody waits for it. */
  private mayKeep(): boolean {
    return !this.pool.ending && this.pool.waitingCount === 0;
  }

  /** Gives the clients no batch took this turn back to the pool. */
  private releaseParked(): void {
    for (let held = this.parked.pop(); held !== undefined; held = this.parked.pop()) {
      this.giveBack(held, held.failure);
    }
  }

  private checkOut(groups: readonly KeyGroup[]): void {
    this.pool.connect((error: Error | undefined, client: PoolClient | undefined) => {
      if (error !== undefined || client === undefined) {
        this.running -= 1;
        this.failAll(groups, error ?? new Error('the pool gave no client'));
        if (this.queue.length > 0) this.scheduleFlush();
        return;
      }
      const held: HeldClient = {
        client,
        failure: undefined,
        // The connection dropped (server restart, network): without a listener Node treats the
        // event as uncaught. A running statement fails with it too; a parked client is discarded.
        onError: (failure) => {
          held.failure = failure;
        },
      };
      client.on('error', held.onError);
      this.runBatch(held, groups);
    });
  }

  /** Back to the pool; a client that failed is discarded (like pg's own `pool.query`). */
  private giveBack(held: HeldClient, failure: Error | undefined): void {
    held.client.off('error', held.onError);
    held.client.release(failure);
  }

  /** Takes up to {@link maxClaimsPerBatch} unsettled claims off the queue, grouped by key. */
  private takeBatch(): KeyGroup[] | undefined {
    if (this.queue.length === 1) {
      // The usual case with one caller in flight: no grouping needed.
      const claim = this.queue[0] as PendingClaim;
      this.queue.length = 0;
      return claim.isSettled ? undefined : [{ key: claim.key, claims: [claim] }];
    }
    const groups = new Map<string, KeyGroup>();
    let taken = 0;
    let index = 0;
    for (; index < this.queue.length && taken < maxClaimsPerBatch; index += 1) {
      const claim = this.queue[index] as PendingClaim;
      if (claim.isSettled) continue;
      taken += 1;
      const group = groups.get(claim.key);
      if (group === undefined) groups.set(claim.key, { key: claim.key, claims: [claim] });
      else group.claims.push(claim);
    }
    this.queue = index === this.queue.length ? [] : this.queue.slice(index);
    return groups.size === 0 ? undefined : [...groups.values()];
  }

  private runBatch(held: HeldClient, groups: readonly KeyGroup[]): void {
    // Callers that aborted while the batch waited for a client are not sent.
    const live = groups.every((group) => group.claims.every((claim) => !claim.isSettled))
      ? groups
      : groups
          .map((group) => ({ key: group.key, claims: group.claims.filter((claim) => !claim.isSettled) }))
          .filter((group) => group.claims.length > 0);
    if (live.length === 0) {
      this.finishBatch(held, undefined);
      return;
    }
    const keys = live.map((group) => ({
      key: group.key,
      leaseMs: (group.claims[0] as PendingClaim).leaseMs,
    }));
    this.sender.send(held.client, keys, (error, states) => {
      // The client is free for the next batch before any caller hears the answer.
      this.finishBatch(held, error);
      if (error === undefined) this.answerAll(live, states);
      else this.failAll(groups, error);
    });
  }

  /** A batch is over: its client is parked for the next batch (or discarded when it failed). */
  private finishBatch(held: HeldClient, failure: Error | undefined): void {
    this.running -= 1;
    if (failure === undefined) this.parked.push(held);
    else this.giveBack(held, failure);
    this.scheduleFlush();
  }

  private answerAll(groups: readonly KeyGroup[], states: BatchStates): void {
    if (states instanceof Map) for (const group of groups) this.answer(group, states.get(group.key));
    else if (groups[0] !== undefined) this.answer(groups[0], states);
  }

  private failAll(groups: readonly KeyGroup[], error: unknown): void {
    const failure = toStoreError(error, operation, poolWaitBudgetMs(this.pool));
    for (const group of groups) for (const claim of group.claims) fail(claim, failure);
  }

  /**
   * Settles one key's callers: `'won'` → the first `'claimed'`, the rest `'in-progress'`; `'done'` →
   * `'duplicate'`; `'claimed'` → `'in-progress'`; no live row (released or expired between the
   * write and the read) → the key goes round again, up to {@link classifyAttempts} times.
   */
  private answer(group: KeyGroup, state: string | undefined): void {
    const [first, ...rest] = group.claims;
    if (first === undefined) return;
    if (state === 'won') {
      settle(first, 'claimed');
      for (const claim of rest) settle(claim, 'in-progress');
      return;
    }
    if (state === 'done') {
      for (const claim of group.claims) settle(claim, 'duplicate');
      return;
    }
    if (state === 'claimed' || first.attempts + 1 >= classifyAttempts) {
      for (const claim of group.claims) settle(claim, 'in-progress');
      return;
    }
    for (const claim of group.claims) {
      claim.attempts += 1;
      this.enqueue(claim);
    }
  }
}

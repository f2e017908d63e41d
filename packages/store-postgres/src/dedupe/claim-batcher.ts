import { AbortedError, type BotkeelError, type ClaimResult, type Clock } from '@botkeel/core';
import { type Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { guardCheckedOutClient, poolWaitBudgetMs } from '../sql/run-query.js';
import { toStoreError } from '../sql/to-store-error.js';
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

/** A pool or a checked-out client: either runs a statement. */
interface Queryable {
  query<Row extends QueryResultRow>(text: string, values: unknown[]): Promise<QueryResult<Row>>;
}

/** What a batch found: the state of its one key, or a map of each key's state. */
type BatchStates = string | undefined | Map<string, string>;

/** The callers of one key in one batch: the first one's claim is sent; the others answer after it. */
interface KeyGroup {
  readonly key: string;
  readonly claims: PendingClaim[];
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
 * @example
 * ```ts
 * const batcher = new ClaimBatcher(pool, clock, claimStatements(table));
 * const result = await batcher.claim('tg:1:42', 30_000, undefined);
 * ```
 */
export class ClaimBatcher {
  private readonly maxBatches: number;
  private queue: PendingClaim[] = [];
  private running = 0;
  private isFlushScheduled = false;
  private readonly flush = () => {
    this.isFlushScheduled = false;
    this.startBatches();
  };

  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly statements: ClaimStatements,
  ) {
    this.maxBatches = poolMaxClients(pool);
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
    this.scheduleFlush();
  }

  /** Sends the queue at the end of this turn (after the current I/O callbacks and their microtasks). */
  private scheduleFlush(): void {
    if (this.isFlushScheduled || this.running >= this.maxBatches) return;
    this.isFlushScheduled = true;
    setImmediate(this.flush);
  }

  private startBatches(): void {
    while (this.running < this.maxBatches) {
      const groups = this.takeBatch();
      if (groups === undefined) return;
      this.running += 1;
      void this.runBatch(groups)
        .catch((error: unknown) => this.failAll(groups, error))
        .finally(() => {
          this.running -= 1;
          if (this.queue.length > 0) this.scheduleFlush();
        });
    }
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

  private async runBatch(groups: readonly KeyGroup[]): Promise<void> {
    if (groups.every((group) => group.claims.every((claim) => claim.signal === undefined))) {
      // Nobody can abort: pool.query checks a client out, listens for its errors, runs the statement
      // and releases it (discarding a client whose statement failed), with callbacks, not promises.
      let states: BatchStates;
      try {
        states = await this.send(this.pool, groups);
      } catch (error) {
        this.failAll(groups, error);
        return;
      }
      this.answerAll(groups, states);
      return;
    }
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.failAll(groups, error);
      return;
    }
    const detach = guardCheckedOutClient(client);
    // Callers that aborted while the batch waited for a client are not sent.
    const live = groups
      .map((group) => ({ key: group.key, claims: group.claims.filter((claim) => !claim.isSettled) }))
      .filter((group) => group.claims.length > 0);
    let states: BatchStates;
    let failure: Error | undefined;
    try {
      states = live.length > 0 ? await this.send(client, live) : undefined;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      detach();
      // Like pg's own pool.query: a client whose statement failed is discarded, never reused; and
      // the client is back in the pool before any caller hears the answer.
      client.release(failure);
    }
    if (failure === undefined) this.answerAll(live, states);
    else this.failAll(groups, failure);
  }

  /** Sends one batch: the state of its one key, or of each key (`'won'` when the batch took it). */
  private send(queryable: Queryable, groups: readonly KeyGroup[]): Promise<BatchStates> {
    const [only] = groups;
    return groups.length === 1 && only !== undefined
      ? this.claimOne(queryable, only)
      : this.claimMany(queryable, [...groups]);
  }

  private answerAll(groups: readonly KeyGroup[], states: BatchStates): void {
    if (states instanceof Map) for (const group of groups) this.answer(group, states.get(group.key));
    else if (groups[0] !== undefined) this.answer(groups[0], states);
  }

  private failAll(groups: readonly KeyGroup[], error: unknown): void {
    const failure = toStoreError(error, operation, poolWaitBudgetMs(this.pool));
    for (const group of groups) for (const claim of group.claims) fail(claim, failure);
  }

  /** One key: the plain single-row statement, and only when it lost, a read of why. */
  private async claimOne(client: Queryable, group: KeyGroup): Promise<string | undefined> {
    const now = this.clock.now();
    const leaseMs = (group.claims[0] as PendingClaim).leaseMs;
    const claimed = await client.query(this.statements.claimOne, [group.key, now + leaseMs, now]);
    if (claimed.rowCount === 1) return 'won';
    const found = await client.query<{ state: string }>(this.statements.classifyOne, [
      group.key,
      this.clock.now(),
    ]);
    return found.rows[0]?.state;
  }

  /** Many keys: one statement takes what it can and reads the live state of the rest. */
  private async claimMany(client: Queryable, groups: KeyGroup[]): Promise<Map<string, string>> {
    // Sorted, so batches sharing keys lock them in one order (no deadlock between them).
    groups.sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
    const now = this.clock.now();
    const keys = groups.map((group) => group.key);
    const leaseEnds = groups.map((group) => now + (group.claims[0] as PendingClaim).leaseMs);
    const result = await client.query<{ key: string; won: boolean; state: string | null }>(
      this.statements.claimMany,
      [keys, leaseEnds, now],
    );
    const states = new Map<string, string>();
    for (const row of result.rows) {
      if (row.won) states.set(row.key, 'won');
      else if (row.state !== null && !states.has(row.key)) states.set(row.key, row.state);
    }
    return states;
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

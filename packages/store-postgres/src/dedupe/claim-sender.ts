import { type Clock } from '@botkeel/core';
import { type PoolClient } from 'pg';
import { numberArrayLiteral, textArrayLiteral } from '../sql/array-literal.js';
import { sendStatement, WireStatement } from '../sql/wire-statement.js';
import { type ClaimStatements } from './claim-statements.js';

/** What a batch found: the state of its one key, or a map of each key's state (`'won'` when it took the key). */
export type BatchStates = string | undefined | Map<string, string>;

/** One key of a batch and the lease its first caller asked for. */
export interface KeyLease {
  readonly key: string;
  readonly leaseMs: number;
}

/**
 * Sends the claim statements of one dedupe table on a checked-out client, callback style (no
 * promise per statement): the encoded `Parse` of each is built once here, so a claim costs one
 * buffer and one socket write. Every statement is the unnamed one (PgBouncer-safe).
 *
 * @example
 * ```ts
 * const sender = new ClaimSender(claimStatements(table), clock);
 * sender.send(client, [{ key: 'tg:1:42', leaseMs: 30_000 }], (error, states) => {});
 * ```
 */
export class ClaimSender {
  private readonly claimOne: WireStatement;
  private readonly classifyOne: WireStatement;
  private readonly claimMany: WireStatement;

  constructor(
    statements: ClaimStatements,
    private readonly clock: Clock,
  ) {
    this.claimOne = new WireStatement(statements.claimOne);
    this.classifyOne = new WireStatement(statements.classifyOne);
    this.claimMany = new WireStatement(statements.claimMany);
  }

  /**
   * Claims `keys` (distinct) in one statement; `done` gets the state of the one key (`'won'`, the
   * live state, or undefined), or a map of each key's state. `keys` is sorted in place first, so
   * batches sharing keys lock them in one order (no deadlock between them).
   */
  send(
    client: PoolClient,
    keys: KeyLease[],
    done: (error: Error | undefined, states: BatchStates) => void,
  ): void {
    const [only] = keys;
    if (keys.length === 1 && only !== undefined) this.sendOne(client, only, done);
    else this.sendMany(client, keys, done);
  }

  /** One key: the plain single-row statement, and only when it lost, a read of why. */
  private sendOne(
    client: PoolClient,
    { key, leaseMs }: KeyLease,
    done: (error: Error | undefined, state: string | undefined) => void,
  ): void {
    const now = this.clock.now();
    sendStatement(client, this.claimOne, [key, String(now + leaseMs), String(now)], (error, rows) => {
      if (error !== undefined) done(error, undefined);
      else if (rows.length === 1) done(undefined, 'won');
      else {
        sendStatement(client, this.classifyOne, [key, String(this.clock.now())], (readError, found) => {
          done(readError, readError === undefined ? (found[0]?.[0] ?? undefined) : undefined);
        });
      }
    });
  }

  /** Many keys: one statement takes what it can and reads the live state of the rest. */
  private sendMany(
    client: PoolClient,
    keys: KeyLease[],
    done: (error: Error | undefined, states: Map<string, string>) => void,
  ): void {
    keys.sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
    const now = this.clock.now();
    const values = [
      textArrayLiteral(keys.map((entry) => entry.key)),
      numberArrayLiteral(keys.map((entry) => now + entry.leaseMs)),
      String(now),
    ];
    sendStatement(client, this.claimMany, values, (error, rows) => {
      const states = new Map<string, string>();
      if (error === undefined) {
        // Columns: key, won ('t' / 'f'), state (NULL where won).
        for (const [key, won, state] of rows) {
          if (key === null || key === undefined) continue;
          if (won === 't') states.set(key, 'won');
          else if (typeof state === 'string' && !states.has(key)) states.set(key, state);
        }
      }
      done(error, states);
    });
  }
}

import {
  type Checkpoint,
  type CheckpointStore,
  InvalidOptionsError,
  parseOptions,
  type SaveCheckpointOptions,
  VersionConflictError,
} from '@botkeel/core';
import { type Pool } from 'pg';
import { z } from 'zod';
import { tableNames } from '../sql/identifier.js';
import { runQuery } from '../sql/run-query.js';
import {
  msFromTimestamp,
  type PostgresStoreOptions,
  storeOptionsSchema,
  timestampFromMs,
} from '../sql/store-options.js';
import { type SignalOption } from '../sql/signal-option.js';

/** Options of {@link PostgresCheckpointStore}. */
export interface PostgresCheckpointStoreOptions extends Omit<PostgresStoreOptions, 'clock'> {
  /**
   * How many versions per thread are kept (the newest included) when a save names no
   * `historyLimit`; older ones are deleted by the save that passes them. Default 10.
   */
  historyLimit?: number;
}

const checkpointOptionsSchema = storeOptionsSchema.omit({ clock: true }).extend({
  historyLimit: z.number().int().min(1).max(1_000_000).default(10),
});

interface CheckpointRow {
  thread_id: string;
  version: number;
  machine_version: number;
  snapshot: unknown;
  saved_at_ms: number;
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    threadId: row.thread_id,
    version: row.version,
    machineVersion: row.machine_version,
    snapshot: row.snapshot,
    savedAtMs: row.saved_at_ms,
  };
}

function assertInteger(value: number, field: string, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum || value > 2_147_483_647) {
    throw new InvalidOptionsError(`save: ${field} must be an integer from ${minimum} to 2147483647`);
  }
}

/**
 * The {@link CheckpointStore} on Postgres (table `botkeel_checkpoints`, one row per version, primary
 * key `(thread_id, version)`). `save` is a compare-and-swap in ONE statement: it locks the row of
 * `expectedVersion` (`FOR UPDATE`, so a concurrent prune or save is seen), inserts version
 * `expectedVersion + 1` with `ON CONFLICT DO NOTHING`, and deletes versions older than
 * `historyLimit` (the save's, else the store's) in the same statement. Losing the race rejects with
 * `VERSION_CONFLICT`. Snapshots are stored as `jsonb` (plain JSON only: key order is not kept,
 * `\u0000` is refused by Postgres). `savedAtMs` is the caller's `nowMs`. A thread's first save
 * (`expectedVersion: 0`) checks that the thread is empty in the statement's snapshot; the primary
 * key refuses a second version 1, so only more than `historyLimit` saves of the same thread
 * committing during that one statement could slip past it.
 *
 * @example
 * ```ts
 * const checkpoints = new PostgresCheckpointStore({ pool, historyLimit: 20 });
 * const current = await checkpoints.load('chat:42');
 * await checkpoints.save('chat:42', snapshot, {
 *   expectedVersion: current?.version ?? 0,
 *   machineVersion: 3,
 *   nowMs: clock.now(),
 * });
 * ```
 */
export class PostgresCheckpointStore implements CheckpointStore {
  private readonly pool: Pool;
  private readonly historyLimit: number;
  private readonly saveStatement: string;
  private readonly latestVersionStatement: string;
  private readonly historyStatement: string;

  constructor(options: PostgresCheckpointStoreOptions) {
    const parsed = parseOptions('PostgresCheckpointStore', checkpointOptionsSchema, options);
    this.pool = parsed.pool;
    this.historyLimit = parsed.historyLimit;
    const t = tableNames(parsed.schema).checkpoints;
    // $1 thread, $2 expected version, $3 machine version, $4 snapshot JSON, $5 now (ms), $6 history limit.
    this.saveStatement = `WITH expected AS (
        SELECT version FROM ${t} WHERE thread_id = $1 AND version = $2::integer FOR UPDATE
      ), inserted AS (
        INSERT INTO ${t} (thread_id, version, machine_version, snapshot, created_at)
        SELECT $1, $2::integer + 1, $3::integer, $4::jsonb, ${timestampFromMs('$5')}
         WHERE CASE WHEN $2::integer = 0
                    THEN NOT EXISTS (SELECT 1 FROM ${t} WHERE thread_id = $1)
                    ELSE EXISTS (SELECT 1 FROM expected)
                         AND NOT EXISTS (SELECT 1 FROM ${t} WHERE thread_id = $1 AND version > $2::integer)
               END
        ON CONFLICT (thread_id, version) DO NOTHING
        RETURNING version
      ), pruned AS (
        DELETE FROM ${t}
         WHERE thread_id = $1 AND version <= $2::integer + 1 - $6::integer
           AND EXISTS (SELECT 1 FROM inserted)
      )
      SELECT version FROM inserted`;
    this.latestVersionStatement = `SELECT max(version) AS version FROM ${t} WHERE thread_id = $1`;
    this.historyStatement = `SELECT thread_id, version, machine_version, snapshot,
        ${msFromTimestamp('created_at')} AS saved_at_ms
      FROM ${t} WHERE thread_id = $1 ORDER BY version DESC LIMIT $2`;
  }

  /** The latest checkpoint of `threadId`, or `undefined` for a new thread. */
  async load(threadId: string, options: SignalOption = {}): Promise<Checkpoint | undefined> {
    const result = await runQuery<CheckpointRow>(
      this.pool,
      'checkpoint load',
      this.historyStatement,
      [threadId, 1],
      options.signal,
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toCheckpoint(row);
  }

  /** Saves version `expectedVersion + 1`, or rejects with `VERSION_CONFLICT` when another save got there first. */
  async save(
    threadId: string,
    snapshot: unknown,
    options: SaveCheckpointOptions & SignalOption,
  ): Promise<Checkpoint> {
    assertInteger(options.expectedVersion, 'expectedVersion', 0);
    assertInteger(options.machineVersion, 'machineVersion', 0);
    if (!Number.isFinite(options.nowMs)) throw new InvalidOptionsError('save: nowMs must be a finite number');
    const historyLimit = options.historyLimit ?? this.historyLimit;
    assertInteger(historyLimit, 'historyLimit', 1);
    const json = JSON.stringify(snapshot) as string | undefined;
    if (json === undefined) throw new InvalidOptionsError('save: snapshot must be JSON-serializable');
    const result = await runQuery<{ version: number }>(
      this.pool,
      'checkpoint save',
      this.saveStatement,
      [threadId, options.expectedVersion, options.machineVersion, json, options.nowMs, historyLimit],
      options.signal,
    );
    const saved = result.rows[0];
    if (saved === undefined) {
      const latest = await runQuery<{ version: number | null }>(
        this.pool,
        'checkpoint save',
        this.latestVersionStatement,
        [threadId],
        options.signal,
      );
      throw new VersionConflictError(threadId, options.expectedVersion, latest.rows[0]?.version ?? 0);
    }
    return {
      threadId,
      version: saved.version,
      machineVersion: options.machineVersion,
      snapshot: JSON.parse(json) as unknown,
      savedAtMs: options.nowMs,
    };
  }

  /** Up to `limit` most recent checkpoints of `threadId`, newest first. */
  async history(threadId: string, limit: number, options: SignalOption = {}): Promise<Checkpoint[]> {
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new InvalidOptionsError('history: limit must be a non-negative integer');
    }
    const result = await runQuery<CheckpointRow>(
      this.pool,
      'checkpoint history',
      this.historyStatement,
      [threadId, limit],
      options.signal,
    );
    return result.rows.map(toCheckpoint);
  }
}

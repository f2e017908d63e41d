import {
  BotkeelError,
  InvalidOptionsError,
  VersionConflictError,
  type Checkpoint,
  type CheckpointStore,
  type SaveCheckpointOptions,
} from '@botkeel/core';
import { z } from 'zod';
import { createStoreContext } from '../internal/create-context.js';
import { KeySpace } from '../internal/keys.js';
import { RedisScript } from '../internal/redis-script.js';
import { type RedisExecutor } from '../internal/redis-executor.js';
import { redisStoreOptionsShape, type RedisStoreOptions } from '../internal/store-options.js';
import { type RedisClient } from '../redis-client.js';

/** Options of {@link RedisCheckpointStore}. */
export interface RedisCheckpointStoreOptions extends RedisStoreOptions {
  /** Versions kept per thread when a save names no `historyLimit`. Default 10. */
  historyLimit?: number;
  /** When set, a thread not saved for this long is forgotten (both keys expire). Default: never. */
  idleTtlMs?: number;
}

const optionsSchema = z.object({
  ...redisStoreOptionsShape,
  historyLimit: z.number().int().min(1).max(10_000).optional(),
  idleTtlMs: z.number().int().positive().optional(),
});

const saveOptionsSchema = z.object({
  expectedVersion: z.number().int().min(0),
  machineVersion: z.number().int().min(0),
  nowMs: z.number().finite(),
  historyLimit: z.number().int().min(1).max(10_000).optional(),
});

// KEYS: version, history. ARGV: expected version, record, history limit, idle TTL (0 = none).
// The compare-and-swap: the new record is written only when the stored version is the expected one.
const saveScript = new RedisScript(
  'checkpoint-save',
  `local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current ~= tonumber(ARGV[1]) then return {0, current} end
redis.call('SET', KEYS[1], current + 1)
redis.call('LPUSH', KEYS[2], ARGV[2])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return {1, current + 1}`,
);

interface StoredRecord {
  version: number;
  machineVersion: number;
  savedAtMs: number;
  snapshot: unknown;
}

/**
 * {@link CheckpointStore} on Redis, for deployments without Postgres. The save is ONE Lua script:
 * a compare-and-swap on the thread's version that pushes the new checkpoint onto the thread's
 * history and trims it to the history limit, so of any number of concurrent saves with one expected
 * version exactly one wins and the others reject with `VERSION_CONFLICT`. `savedAtMs` is the
 * caller's `nowMs`. Snapshots are stored as JSON.
 *
 * Keys: `{keyPrefix}:checkpoint:{{threadId}}:version` and `…:history` (newest first), one slot per thread.
 *
 * @example
 * ```ts
 * const checkpoints = new RedisCheckpointStore({ client, keyPrefix: 'bot', historyLimit: 5 });
 * const conversation = createConversation({ machine, checkpoints, migrations });
 * ```
 */
export class RedisCheckpointStore implements CheckpointStore {
  private readonly client: RedisClient;
  private readonly executor: RedisExecutor;
  private readonly keys: KeySpace;
  private readonly historyLimit: number;
  private readonly idleTtlMs: number;

  constructor(options: RedisCheckpointStoreOptions) {
    const context = createStoreContext('RedisCheckpointStore', optionsSchema, options);
    this.client = context.client;
    this.executor = context.executor;
    this.keys = new KeySpace(context.options.keyPrefix, 'checkpoint');
    this.historyLimit = context.options.historyLimit ?? 10;
    this.idleTtlMs = context.options.idleTtlMs ?? 0;
  }

  /** The latest checkpoint of `threadId`, or `undefined` for a thread never saved. */
  async load(threadId: string): Promise<Checkpoint | undefined> {
    const record = await this.executor.run('checkpoint load', () =>
      this.client.lindex(this.keys.key(threadId, 'history'), 0),
    );
    return record === null ? undefined : toCheckpoint(threadId, record);
  }

  /** Saves version `expectedVersion + 1`, or rejects with `VERSION_CONFLICT` when the thread moved on. */
  async save(threadId: string, snapshot: unknown, options: SaveCheckpointOptions): Promise<Checkpoint> {
    const parsed = (() => {
      const result = saveOptionsSchema.safeParse(options);
      if (result.success) return result.data;
      const problems = result.error.issues.map(
        (issue) => `${issue.path.map(String).join('.')}: ${issue.message}`,
      );
      throw new InvalidOptionsError(`RedisCheckpointStore.save: ${problems.join('; ')}`, {
        cause: result.error,
      });
    })();
    const stored: StoredRecord = {
      version: parsed.expectedVersion + 1,
      machineVersion: parsed.machineVersion,
      savedAtMs: parsed.nowMs,
      snapshot,
    };
    const record = toJson(stored);
    const reply = (await this.executor.run('checkpoint save', () =>
      saveScript.run(
        this.client,
        [this.keys.key(threadId, 'version'), this.keys.key(threadId, 'history')],
        [parsed.expectedVersion, record, parsed.historyLimit ?? this.historyLimit, this.idleTtlMs],
      ),
    )) as [number, number];
    if (reply[0] !== 1) throw new VersionConflictError(threadId, parsed.expectedVersion, reply[1]);
    return toCheckpoint(threadId, record);
  }

  /** Up to `limit` most recent checkpoints of `threadId`, newest first. */
  async history(threadId: string, limit: number): Promise<Checkpoint[]> {
    const count = Math.max(0, Math.floor(limit));
    if (count === 0) return [];
    const records = await this.executor.run('checkpoint history', () =>
      this.client.lrange(this.keys.key(threadId, 'history'), 0, count - 1),
    );
    return records.map((record) => toCheckpoint(threadId, record));
  }
}

function toJson(stored: StoredRecord): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(stored);
  } catch (error) {
    throw new BotkeelError('INVALID_OPTIONS', 'RedisCheckpointStore.save: snapshot is not plain JSON', {
      cause: error,
      retryable: false,
    });
  }
  const kind = typeof stored.snapshot;
  if (json === undefined || kind === 'undefined' || kind === 'function' || kind === 'symbol') {
    throw new BotkeelError('INVALID_OPTIONS', 'RedisCheckpointStore.save: snapshot is not plain JSON', {
      retryable: false,
    });
  }
  return json;
}

function toCheckpoint(threadId: string, record: string): Checkpoint {
  const stored = JSON.parse(record) as StoredRecord;
  return {
    threadId,
    version: stored.version,
    machineVersion: stored.machineVersion,
    snapshot: stored.snapshot,
    savedAtMs: stored.savedAtMs,
  };
}

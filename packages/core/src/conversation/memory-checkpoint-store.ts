import { z } from 'zod';
import { BotkeelError } from '../errors/botkeel-error.js';
import { parseOptions } from '../errors/parse-options.js';
import { VersionConflictError } from '../errors/subclasses.js';
import { type Checkpoint, type CheckpointStore, type SaveCheckpointOptions } from './checkpoint-store.js';
import { flatString } from '../strings/flat-string.js';

/** Options of {@link MemoryCheckpointStore}. */
export interface MemoryCheckpointStoreOptions {
  /** Versions kept per thread when a save names no `historyLimit`. Default 10. */
  historyLimit?: number;
}

const optionsSchema = z.object({ historyLimit: z.number().int().min(1).max(10_000).optional() }).strict();

const saveOptionsSchema = z.object({
  expectedVersion: z.number().int().min(0),
  machineVersion: z.number().int().min(0),
  nowMs: z.number().finite(),
  historyLimit: z.number().int().min(1).max(10_000).optional(),
});

/**
 * The in-process {@link CheckpointStore}: a compare-and-swap on the version per thread, the last N
 * versions kept (older ones pruned on save). Snapshots go through JSON on save, exactly as a Redis
 * or Postgres store would store them, so a snapshot that cannot survive JSON fails here too, and no
 * caller can change a stored snapshot by mutating an object afterwards.
 *
 * @example
 * ```ts
 * const checkpoints = new MemoryCheckpointStore({ historyLimit: 5 });
 * const saved = await checkpoints.save('chat:42', { value: 'STATE_0_INIT' }, { expectedVersion: 0, machineVersion: 1, nowMs: 0 });
 * saved.version; // 1
 * ```
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #historyLimit: number;
  /** Per thread, stored versions oldest first; each entry's snapshot is JSON text. */
  readonly #threads = new Map<string, StoredCheckpoint[]>();

  constructor(options: MemoryCheckpointStoreOptions = {}) {
    const parsed = parseOptions('MemoryCheckpointStore', optionsSchema, options);
    this.#historyLimit = parsed.historyLimit ?? 10;
  }

  /** The latest checkpoint of `threadId`, or `undefined` for a thread never saved. */
  load(threadId: string): Promise<Checkpoint | undefined> {
    return settled(() => {
      const versions = this.#threads.get(threadId);
      const latest = versions?.[versions.length - 1];
      return latest === undefined ? undefined : toCheckpoint(threadId, latest);
    });
  }

  /** Saves version `expectedVersion + 1`, or rejects with `VERSION_CONFLICT` when the thread moved on. */
  save(threadId: string, snapshot: unknown, options: SaveCheckpointOptions): Promise<Checkpoint> {
    return settled(() => this.#save(threadId, snapshot, options));
  }

  #save(threadId: string, snapshot: unknown, options: SaveCheckpointOptions): Checkpoint {
    // Once per turn: a hand check first; zod only to name a bad field.
    const parsed = hasValidSaveOptions(options)
      ? options
      : parseOptions('MemoryCheckpointStore.save', saveOptionsSchema, options);
    const versions = this.#threads.get(threadId) ?? [];
    const actualVersion = versions[versions.length - 1]?.version ?? 0;
    if (actualVersion !== parsed.expectedVersion) {
      throw new VersionConflictError(threadId, parsed.expectedVersion, actualVersion);
    }
    const stored: StoredCheckpoint = {
      version: actualVersion + 1,
      machineVersion: parsed.machineVersion,
      snapshotJson: toJson(snapshot),
      savedAtMs: parsed.nowMs,
    };
    versions.push(stored);
    const limit = parsed.historyLimit ?? this.#historyLimit;
    if (versions.length > limit) versions.splice(0, versions.length - limit);
    this.#threads.set(threadId, versions);
    // The caller already has the snapshot it saved: parse the stored copy only if it is read.
    return toCheckpoint(threadId, stored, true);
  }

  /** Up to `limit` most recent checkpoints of `threadId`, newest first. */
  history(threadId: string, limit: number): Promise<Checkpoint[]> {
    return settled(() => {
      const versions = this.#threads.get(threadId) ?? [];
      const count = Math.max(0, Math.floor(limit));
      return versions
        .slice(Math.max(0, versions.length - count))
        .reverse()
        .map((stored) => toCheckpoint(threadId, stored));
    });
  }
}

interface StoredCheckpoint {
  readonly version: number;
  readonly machineVersion: number;
  readonly snapshotJson: string;
  readonly savedAtMs: number;
}

/** Runs `work` now and turns its result or throw into a promise, so callers only ever see rejections. */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function toJson(snapshot: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(snapshot);
  } catch (error) {
    throw new BotkeelError('INVALID_OPTIONS', 'MemoryCheckpointStore.save: snapshot is not plain JSON', {
      cause: error,
      retryable: false,
    });
  }
  if (json === undefined) {
    throw new BotkeelError('INVALID_OPTIONS', 'MemoryCheckpointStore.save: snapshot is not plain JSON', {
      retryable: false,
    });
  }
  return flatString(json);
}

function isCount(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** The rules of `saveOptionsSchema` by hand: `true` only for options the schema accepts. */
function hasValidSaveOptions(options: SaveCheckpointOptions): boolean {
  if (typeof options !== 'object' || options === null) return false;
  const { expectedVersion, machineVersion, nowMs, historyLimit } = options as Partial<
    Record<keyof SaveCheckpointOptions, unknown>
  >;
  return (
    isCount(expectedVersion, 0, Number.MAX_SAFE_INTEGER) &&
    isCount(machineVersion, 0, Number.MAX_SAFE_INTEGER) &&
    typeof nowMs === 'number' &&
    Number.isFinite(nowMs) &&
    (historyLimit === undefined || isCount(historyLimit, 1, 10_000))
  );
}

/** A checkpoint with its own copy of the snapshot; `isLazy` parses that copy on first read. */
function toCheckpoint(threadId: string, stored: StoredCheckpoint, isLazy = false): Checkpoint {
  if (!isLazy) {
    return {
      threadId,
      version: stored.version,
      machineVersion: stored.machineVersion,
      savedAtMs: stored.savedAtMs,
      snapshot: JSON.parse(stored.snapshotJson) as unknown,
    };
  }
  // Built in one literal (no spread of a base object): this one is made on every save.
  let snapshot: { value: unknown } | undefined;
  return {
    threadId,
    version: stored.version,
    machineVersion: stored.machineVersion,
    savedAtMs: stored.savedAtMs,
    get snapshot(): unknown {
      snapshot ??= { value: JSON.parse(stored.snapshotJson) as unknown };
      return snapshot.value;
    },
  };
}

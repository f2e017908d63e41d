import { BotkeelError } from '../errors/botkeel-error.js';

/**
 * Migrations of persisted snapshots, keyed by the machine version they PRODUCE: `migrations[3]`
 * turns a snapshot saved by machine version 2 into one for version 3. On load, every step from the
 * stored version up to the current one runs in order (like grammY's `enhanceStorage` migrations).
 *
 * @example
 * ```ts
 * const migrations: SnapshotMigrations = {
 *   2: (snapshot) => ({ ...(snapshot as object), context: { ...(snapshot as { context: object }).context, budget: null } }),
 * };
 * ```
 */
export type SnapshotMigrations = Readonly<Record<number, (snapshot: unknown) => unknown>>;

/**
 * Brings `snapshot`, saved by machine version `storedVersion`, to `currentVersion`. Throws
 * `UNKNOWN_MACHINE_VERSION` for a newer stored version or a missing step, and `MIGRATION_FAILED`
 * (with the step's error as `cause`) when a step throws; the stored checkpoint is never touched.
 */
export function migrateSnapshot(
  threadId: string,
  snapshot: unknown,
  storedVersion: number,
  currentVersion: number,
  migrations: SnapshotMigrations,
): unknown {
  if (!Number.isSafeInteger(storedVersion) || storedVersion > currentVersion) {
    throw new BotkeelError(
      'UNKNOWN_MACHINE_VERSION',
      `Checkpoint of thread "${threadId}" was saved by machine version ${storedVersion}, which this code (version ${currentVersion}) does not know`,
      { retryable: false },
    );
  }
  let migrated = snapshot;
  for (let version = storedVersion + 1; version <= currentVersion; version += 1) {
    const step = migrations[version];
    if (step === undefined) {
      throw new BotkeelError(
        'UNKNOWN_MACHINE_VERSION',
        `Checkpoint of thread "${threadId}" is at machine version ${storedVersion} and there is no migration to version ${version}`,
        { retryable: false },
      );
    }
    try {
      migrated = step(migrated);
    } catch (error) {
      throw new BotkeelError(
        'MIGRATION_FAILED',
        `Migrating the checkpoint of thread "${threadId}" to machine version ${version} failed`,
        { cause: error, retryable: false },
      );
    }
  }
  return migrated;
}

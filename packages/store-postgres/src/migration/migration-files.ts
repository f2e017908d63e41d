import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BotkeelError } from '@botkeel/core';

/** One numbered SQL file from the package's `migrations/` folder. */
export interface MigrationFile {
  /** The number the file name starts with; migrations apply in this order. */
  readonly id: number;
  /** The file name without `.sql`, e.g. `0001_dedupe_checkpoints_idempotency`. */
  readonly name: string;
  /** The SQL text, with unqualified table names (it runs with `search_path` set to the schema). */
  readonly sql: string;
  /** SHA-256 of the SQL text, recorded in `botkeel_migrations` to notice an edited file. */
  readonly checksum: string;
}

const fileNamePattern = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * Where the shipped SQL files are: `<package>/migrations/`, one level above the built `dist/` bundle
 * and two above this source file.
 */
function migrationsDirectory(): string {
  const candidates = ['../migrations/', '../../migrations/'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new BotkeelError('MIGRATION_FAILED', `The migrations folder of @botkeel/store-postgres is missing`);
  }
  return found;
}

/**
 * Reads every `NNNN_name.sql` file shipped with the package, sorted by number.
 *
 * @param directory - Where to read from; defaults to the package's own `migrations/` folder.
 * @example
 * ```ts
 * const files = loadMigrationFiles();
 * console.log(files.map((file) => file.name)); // ['0001_dedupe_checkpoints_idempotency', '0002_locks']
 * ```
 */
export function loadMigrationFiles(directory: string = migrationsDirectory()): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const fileName of readdirSync(directory)) {
    const match = fileNamePattern.exec(fileName);
    if (match === null) continue;
    const sql = readFileSync(join(directory, fileName), 'utf8');
    files.push({
      id: Number(match[1]),
      name: fileName.slice(0, -'.sql'.length),
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  files.sort((left, right) => left.id - right.id);
  for (let index = 1; index < files.length; index += 1) {
    if (files[index]?.id === files[index - 1]?.id) {
      throw new BotkeelError('MIGRATION_FAILED', `Two migration files share number ${files[index]?.id}`);
    }
  }
  return files;
}

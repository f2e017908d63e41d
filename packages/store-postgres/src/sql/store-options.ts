import { type Clock, systemClock } from '@botkeel/core';
import { type Pool } from 'pg';
import { z } from 'zod';
import { defaultSchema } from './identifier.js';

/** Options every Postgres store takes. */
export interface PostgresStoreOptions {
  /** A `pg` pool (e.g. from `createPool`); the store never ends it. */
  pool: Pool;
  /** The schema `migrate` created the tables in. Default `'public'`. */
  schema?: string;
  /**
   * The clock leases and expiry times are computed with; its `now()` is sent to the server as a
   * parameter, so every instance must share one notion of time (NTP-synced hosts, or the same
   * manual clock in tests). Default: the system clock.
   */
  clock?: Clock;
}

/** The zod schema of {@link PostgresStoreOptions}, extended by each store. */
export const storeOptionsSchema = z.object({
  pool: z.custom<Pool>(
    (value) => typeof (value as { query?: unknown } | null)?.query === 'function',
    'must be a pg Pool',
  ),
  schema: z.string().default(defaultSchema),
  clock: z
    .custom<Clock>(
      (value) => typeof (value as { now?: unknown } | null)?.now === 'function',
      'must be a Clock',
    )
    .default(systemClock),
});

/** SQL that turns a millisecond parameter into a `timestamptz`. */
export function timestampFromMs(parameter: string): string {
  return `to_timestamp(${parameter}::float8 / 1000)`;
}

/** SQL that turns a `timestamptz` column into milliseconds since the epoch (a JS number). */
export function msFromTimestamp(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::float8`;
}

import { type Clock } from '@botkeel/core';
import { z } from 'zod';
import { type RedisClient } from '../redis-client.js';

/** Options every Redis store takes. */
export interface RedisStoreOptions {
  /** An ioredis `Redis` or `Cluster`, shared and owned by the caller (the store never closes it). */
  client: RedisClient;
  /**
   * Starts every key the store writes, e.g. `'bot'` → `bot:dedupe:{…}`. Must not contain `{` or `}`
   * (hash tags are the store's business). Stores with different prefixes never see each other.
   */
  keyPrefix: string;
  /**
   * Bound on one store call; past it the call rejects with `STORE_UNAVAILABLE`. Default: none of
   * our own when the client has ioredis' `commandTimeout` set, 2,000 ms otherwise.
   */
  commandTimeoutMs?: number;
  /** Only for the command timeout timer (the stores read time from Redis). Default `systemClock`. */
  clock?: Clock;
}

const isClient = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { evalsha?: unknown }).evalsha === 'function' &&
  typeof (value as { status?: unknown }).status === 'string';

/** The zod shape of {@link RedisStoreOptions}, extended by each store. */
export const redisStoreOptionsShape = {
  client: z.custom<RedisClient>(isClient, { message: 'expected an ioredis Redis or Cluster client' }),
  keyPrefix: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^{}]*$/, { message: 'must not contain "{" or "}"' }),
  commandTimeoutMs: z.number().int().positive().optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
};

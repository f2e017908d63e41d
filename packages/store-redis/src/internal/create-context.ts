import { parseOptions, systemClock } from '@botkeel/core';
import type { z } from 'zod';
import { type RedisClient } from '../redis-client.js';
import { RedisExecutor } from './redis-executor.js';
import { type redisStoreOptionsShape } from './store-options.js';

type BaseShape = typeof redisStoreOptionsShape;

/** What every store builds from its validated options. */
export interface StoreContext<Options> {
  readonly options: Options;
  readonly client: RedisClient;
  readonly executor: RedisExecutor;
}

/** Validates a store's options (naming the bad field) and builds its executor. */
export function createStoreContext<Schema extends z.ZodObject<BaseShape>>(
  storeName: string,
  schema: Schema,
  options: unknown,
): StoreContext<z.output<Schema>> {
  const parsed = parseOptions(storeName, schema, options);
  const base = parsed as {
    client: RedisClient;
    commandTimeoutMs?: number | undefined;
    clock?: typeof systemClock;
  };
  const executor = new RedisExecutor(base.client, base.clock ?? systemClock, base.commandTimeoutMs);
  return { options: parsed, client: base.client, executor };
}

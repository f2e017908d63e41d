import { type Cluster, type Redis, type RedisOptions } from 'ioredis';

/**
 * The ioredis client a store works with: a single `Redis` connection (standalone or Sentinel) or a
 * `Cluster`. The store never owns it: it does not connect, `quit()` or `disconnect()` it.
 */
export type RedisClient = Redis | Cluster;

/** What {@link redisClientOptions} returns: the ioredis options a Botkeel store relies on. */
export type RecommendedRedisOptions = Pick<
  RedisOptions,
  'enableOfflineQueue' | 'maxRetriesPerRequest' | 'commandTimeout' | 'connectTimeout' | 'retryStrategy'
>;

/**
 * The ioredis options that make a Botkeel store fail fast while Redis is away instead of queueing:
 * - `enableOfflineQueue: false`: a command sent while the connection is down rejects at once
 *   (ioredis would otherwise hold it in memory until Redis returns, and a rate limiter behind it
 *   would hang instead of handing over to its fallback);
 * - `maxRetriesPerRequest: 1`: a command in flight when the connection drops is retried at most once;
 * - `commandTimeout`: a command Redis does not answer (a stalled server) rejects after this long;
 * - `connectTimeout`: a connection attempt gives up after this long;
 * - `retryStrategy`: reconnect forever, backing off up to one second, so the store recovers on its
 *   own when Redis returns.
 *
 * With the offline queue off, wait for the client to be ready before the first command
 * (`lazyConnect: true` and `await client.connect()`, or the `'ready'` event).
 *
 * @param commandTimeoutMs - the bound on one command, default 1,000 ms
 * @example
 * ```ts
 * const client = new Redis({ host: 'redis', lazyConnect: true, ...redisClientOptions() });
 * await client.connect();
 * const dedupe = new RedisDedupeStore({ client, keyPrefix: 'bot' });
 * // Cluster: new Cluster(nodes, { enableOfflineQueue: false, redisOptions: redisClientOptions() })
 * ```
 */
export function redisClientOptions(commandTimeoutMs = 1_000): RecommendedRedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 2_000),
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
  };
}

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { redisClientOptions, type RedisClient } from '@botkeel/store-redis';

/** The shared test Redis every helper uses (never stopped by tests). */
export const sharedRedisPort = 6379;

/** A prefix no other test file or run uses. */
export function randomPrefix(label: string): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Connects with the recommended options and waits until ready. */
export async function connectRedis(port = sharedRedisPort, commandTimeoutMs = 1_000): Promise<Redis> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    ...redisClientOptions(commandTimeoutMs),
  });
  await client.connect();
  return client;
}

/** Deletes every key starting with `prefix:` (on every master of a cluster). */
export async function deleteKeys(client: RedisClient, prefix: string): Promise<number> {
  const nodes: Redis[] = client instanceof Cluster ? client.nodes('master') : [client];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      for (const key of keys) deleted += await node.del(key);
    } while (cursor !== '0');
  }
  return deleted;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Clients pointed at a port where no Redis listens, with the offline queue off: every command
 * rejects at once. Close them with `closeAll()`.
 */
export function unreachableClients(): { make: () => Promise<Redis>; closeAll: () => void } {
  const clients: Redis[] = [];
  return {
    make: async () => {
      const port = await freePort();
      const client = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    },
    closeAll: () => {
      for (const client of clients) client.disconnect();
    },
  };
}

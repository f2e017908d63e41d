import { createServer, type Server, type Socket, connect } from 'node:net';
import { BotkeelError } from '@botkeel/core';
import { RedisDebounceStore } from '@botkeel/store-redis';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, sharedRedisPort } from './helpers/redis.js';

const filePrefix = randomPrefix('debounce-lost-reply');
const window = { quietMs: 1_000, maxWaitMs: 5_000, maxItems: 10 };

/**
 * A loopback proxy to the shared Redis that, once `dropReplies` is set, forwards commands but kills
 * the connection when the server answers: the command ran, its reply never reaches the client.
 */
function replyDroppingProxy(): { server: Server; dropReplies: () => void; listening: Promise<number> } {
  let dropping = false;
  const sockets = new Set<Socket>();
  const server = createServer((downstream) => {
    const upstream = connect(sharedRedisPort, '127.0.0.1');
    sockets.add(downstream).add(upstream);
    downstream.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!dropping) {
        downstream.write(chunk);
        return;
      }
      downstream.destroy();
      upstream.destroy();
    });
    for (const socket of [downstream, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        downstream.destroy();
        upstream.destroy();
      });
    }
  });
  server.on('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  const listening = new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  return { server, dropReplies: () => (dropping = true), listening };
}

let client: Redis;
beforeAll(async () => {
  client = await connectRedis();
});
afterAll(async () => {
  await deleteKeys(client, filePrefix);
  client.disconnect();
});

describe('RedisDebounceStore push whose reply is lost', () => {
  it('a redelivered update pushed again with its id yields one item', async () => {
    const keyPrefix = `${filePrefix}:store`;
    const store = new RedisDebounceStore({ client, keyPrefix });
    // Load the script on the server first, so the lost call below runs it (no NOSCRIPT round trip).
    await store.push('chat:warm-up', 'warm-up', window, 0, 'update-0');

    const proxy = replyDroppingProxy();
    const port = await proxy.listening;
    const flaky = await connectRedis(port, 500);
    flaky.on('error', () => undefined); // its reconnects fail while the proxy drops replies
    try {
      const flakyStore = new RedisDebounceStore({ client: flaky, keyPrefix });
      expect(await flakyStore.push('chat:1', 'hello', window, 0, 'update-1')).toEqual({
        count: 1,
        dueAtMs: 1_000,
      });
      proxy.dropReplies();
      const lost = await flakyStore.push('chat:1', 'order details', window, 100, 'update-2').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(lost).toBeInstanceOf(BotkeelError);
      expect((lost as BotkeelError).code).toBe('STORE_UNAVAILABLE');
    } finally {
      flaky.disconnect();
      await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
    }

    // The server did apply the lost push (bounded wait: the script runs atomically, just after the send).
    let stored: string[] = [];
    for (let attempt = 0; attempt < 50 && stored.length < 3; attempt += 1) {
      stored = await client.lrange(`${keyPrefix}:debounce:{0}:p:chat:1`, 0, -1);
      if (stored.length < 3) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(stored.slice(1)).toEqual(['hello', 'order details']);

    // Telegram redelivers the update: the same push again adds nothing.
    expect(await store.push('chat:1', 'order details', window, 200, 'update-2')).toEqual({
      count: 2,
      dueAtMs: 1_100,
    });
    const batches = await store.claimDue({ nowMs: 2_000, leaseMs: 10_000, limit: 10 });
    const chat = batches.find((batch) => batch.key === 'chat:1');
    expect(chat?.items).toEqual(['hello', 'order details']);
  });
});

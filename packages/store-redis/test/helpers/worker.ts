/**
 * A bot instance in its own process, for the multi-process tests: started with `child_process.fork`
 * (through tsx), it connects to the shared Redis and obeys the parent's messages.
 */
import { createDebouncer, createManualClock, type Debouncer } from '@botkeel/core';
import {
  RedisDebounceStore,
  RedisDedupeStore,
  RedisFloodControl,
  redisClientOptions,
} from '@botkeel/store-redis';
import { Redis } from 'ioredis';

export type WorkerCommand =
  | { type: 'debounce'; keyPrefix: string; flushDelayMs: number; leaseMs: number }
  | { type: 'push'; round: number; chats: string[] }
  | { type: 'claims'; keyPrefix: string; key: string; count: number }
  | { type: 'flood'; keyPrefix: string; chatId: string; nowMs: number; attempts: number; pauseMs?: number }
  | { type: 'stop' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'pushed'; round: number }
  | { type: 'flushed'; batches: { key: string; batchId: string; items: string[]; deliveries: number }[] }
  | { type: 'claimed'; counts: Record<string, number> }
  | { type: 'flood'; allowed: number; reasons: string[] }
  | { type: 'stopped' };

const send = (reply: WorkerReply): void => {
  process.send?.(reply);
};

const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, ...redisClientOptions(2_000) });
let debouncer: Debouncer<string> | undefined;
const clock = createManualClock(1_700_000_000_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function handle(command: WorkerCommand): Promise<void> {
  switch (command.type) {
    case 'debounce': {
      debouncer = createDebouncer<string>({
        store: new RedisDebounceStore({ client, keyPrefix: command.keyPrefix }),
        quietMs: 60_000,
        maxWaitMs: 120_000,
        maxItems: 3,
        leaseMs: command.leaseMs,
        pollMs: 100,
        concurrency: 32,
        codec: { encode: (item) => item, decode: (text) => text },
        onFlush: async (key, items, { batchId, deliveries }) => {
          await sleep(command.flushDelayMs);
          // The flush counts as done (and is acked) only once its report is on its way to the parent:
          // a report still buffered in this process when it is SIGKILLed would hide a delivered batch.
          await new Promise<void>(
            (resolve, reject) =>
              process.send?.(
                { type: 'flushed', batches: [{ key, batchId, items, deliveries }] },
                (error: Error | null) => (error === null ? resolve() : reject(error)),
              ) ?? resolve(),
          );
        },
      });
      debouncer.start();
      send({ type: 'ready' });
      return;
    }
    case 'push': {
      const pending = new Set<Promise<unknown>>();
      for (const chat of command.chats) {
        const pushed = debouncer!.push(chat, `${chat}/${command.round}`);
        pending.add(pushed);
        void pushed.finally(() => pending.delete(pushed));
        if (pending.size >= 64) await Promise.race(pending);
      }
      await Promise.all(pending);
      send({ type: 'pushed', round: command.round });
      return;
    }
    case 'claims': {
      const store = new RedisDedupeStore({ client, keyPrefix: command.keyPrefix });
      const results = await Promise.all(
        Array.from({ length: command.count }, () => store.claim(command.key, { leaseMs: 60_000 })),
      );
      const counts: Record<string, number> = {};
      for (const result of results) counts[result] = (counts[result] ?? 0) + 1;
      send({ type: 'claimed', counts });
      return;
    }
    case 'flood': {
      clock.advance(command.nowMs - clock.now());
      const flood = new RedisFloodControl({
        client,
        keyPrefix: command.keyPrefix,
        clock,
        limits: { groupChat: { limit: 20, windowMs: 60_000, burst: 1 } },
      });
      if (command.pauseMs !== undefined) await flood.pause({ chatId: command.chatId }, command.pauseMs);
      let allowed = 0;
      const reasons: string[] = [];
      for (let attempt = 0; attempt < command.attempts; attempt += 1) {
        const decision = await flood.acquire({ chatId: command.chatId, chatKind: 'group' });
        if (decision.allowed) allowed += 1;
        else reasons.push(decision.reason);
      }
      send({ type: 'flood', allowed, reasons });
      return;
    }
    case 'stop': {
      await debouncer?.stop();
      client.disconnect();
      send({ type: 'stopped' });
      process.disconnect();
      return;
    }
  }
}

process.on('message', (command: WorkerCommand) => {
  void handle(command).catch((error: unknown) => {
    console.error('worker failed', error);
    process.exit(1);
  });
});

await client.connect();
send({ type: 'ready' });

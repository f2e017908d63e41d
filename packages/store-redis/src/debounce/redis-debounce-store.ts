import { randomUUID } from 'node:crypto';
import {
  type ClaimDueOptions,
  type DebounceBatch,
  type DebounceStore,
  type DebounceWindow,
} from '@botkeel/core';
import { z } from 'zod';
import { createStoreContext } from '../internal/create-context.js';
import { KeySpace } from '../internal/keys.js';
import { type RedisExecutor } from '../internal/redis-executor.js';
import { redisStoreOptionsShape, type RedisStoreOptions } from '../internal/store-options.js';
import { type RedisClient } from '../redis-client.js';
import {
  ackScript,
  claimDueScript,
  extendLeaseScript,
  nextDueScript,
  pushScript,
} from './debounce-scripts.js';

/** Options of {@link RedisDebounceStore}. */
export interface RedisDebounceStoreOptions extends RedisStoreOptions {
  /**
   * Into how many hash slots the chats are spread (by a hash of the chat key). Default 1: one slot,
   * one round trip per `claimDue`, and due batches handed out strictly earliest first. On a Redis
   * Cluster, more shards spread the load over masters; `claimDue` then visits the shards in turn
   * (one round trip each) and the earliest-first order holds within a shard.
   */
  shards?: number;
}

const optionsSchema = z.object({
  ...redisStoreOptionsShape,
  shards: z.number().int().min(1).max(1_024).optional(),
});

/** The claim script's reply: per batch, chat, deliveries, header, due time, item count, items. */
type ClaimReply = (string | number)[];

/** The most acks one script call applies (a bound on how long one call holds Redis). */
const maxAcksPerCall = 256;

/**
 * {@link DebounceStore} on Redis, for debouncing across instances. Per chat it keeps the pending burst
 * (a list, push order) and at most one claimed batch; due times and lease ends sit in two sorted sets.
 * Every operation is ONE Lua script (push is one round trip), so concurrent instances never lose an
 * item or claim one batch twice; a batch whose lease ended (its instance died) is handed out again
 * with the same `batchId` by whichever instance calls `claimDue` next.
 *
 * Time: the port passes the caller's `nowMs` to every call, so due times and leases are by the
 * instances' clocks (keep them NTP-synced; a skew of S ms shifts flushes by at most S ms).
 *
 * Keys: `{keyPrefix}:debounce:{{shard}}:ready|waiting|leases|dues|p:{chat}|c:{chat}` (the pending
 * and the claimed burst of a chat are each one list: a header, then the items; a pending burst's due
 * time sits in `ready`, or in `waiting` while the chat's previous batch is claimed; a claimed batch's
 * in `dues`).
 *
 * @example
 * ```ts
 * const debouncer = createDebouncer({
 *   store: new RedisDebounceStore({ client, keyPrefix: 'bot' }),
 *   quietMs: 800,
 *   maxWaitMs: 3_000,
 *   maxItems: 20,
 *   onFlush: async (chatId, messages, { batchId }) => runTurn(chatId, messages, batchId),
 * });
 * ```
 */
export class RedisDebounceStore implements DebounceStore {
  private readonly client: RedisClient;
  private readonly executor: RedisExecutor;
  private readonly shards: readonly Shard[];
  private nextShard = 0;

  constructor(options: RedisDebounceStoreOptions) {
    const context = createStoreContext('RedisDebounceStore', optionsSchema, options);
    this.client = context.client;
    this.executor = context.executor;
    const keys = new KeySpace(context.options.keyPrefix, 'debounce');
    this.shards = Array.from({ length: context.options.shards ?? 1 }, (_, index) => {
      const base = `${keys.key(String(index))}:`;
      return {
        base,
        ready: `${base}ready`,
        leases: `${base}leases`,
        waiting: `${base}waiting`,
        dues: `${base}dues`,
        acks: [],
      };
    });
  }

  /**
   * Appends `item` to the pending burst of `key` (one script call); returns the burst's size and due
   * time. A push `id` already in the burst or its claimed batch adds nothing.
   */
  async push(
    key: string,
    item: string,
    window: DebounceWindow,
    nowMs: number,
    id?: string,
  ): Promise<{ count: number; dueAtMs: number }> {
    const shard = this.shardOf(key);
    const reply = (await this.executor.run('debounce push', () =>
      pushScript.run(
        this.client,
        [
          shard.ready,
          `${shard.base}p:${key}`,
          `${shard.base}c:${key}`,
          `${shard.base}pi:${key}`,
          `${shard.base}ci:${key}`,
          shard.waiting,
          shard.dues,
        ],
        [key, item, window.quietMs, window.maxWaitMs, window.maxItems, nowMs, randomUUID(), id ?? ''],
      ),
    )) as [number, string];
    return { count: reply[0], dueAtMs: Number(reply[1]) };
  }

  /** Claims batches whose lease ended, then due bursts, atomically per shard (one script call per shard). */
  async claimDue(options: ClaimDueOptions): Promise<DebounceBatch[]> {
    const { nowMs, leaseMs, limit } = options;
    const dueBeforeMs = Math.max(nowMs, options.dueBeforeMs ?? nowMs);
    const batches: DebounceBatch[] = [];
    const first = this.nextShard;
    this.nextShard = (this.nextShard + 1) % this.shards.length;
    for (let offset = 0; offset < this.shards.length && batches.length < limit; offset += 1) {
      const shard = this.shards[(first + offset) % this.shards.length] as Shard;
      const remaining = limit - batches.length;
      // Acks of this shard still waiting for their tick ride along (applied before the claim).
      const acks = shard.acks.splice(0, maxAcksPerCall);
      const args: (string | number)[] = [nowMs, leaseMs, remaining, dueBeforeMs, shard.base];
      for (const ack of acks) args.push(ack.key, ack.batchId);
      let reply: ClaimReply;
      try {
        reply = (await this.executor.run('debounce claimDue', () =>
          claimDueScript.run(this.client, [shard.ready, shard.leases, shard.waiting, shard.dues], args),
        )) as ClaimReply;
      } catch (error) {
        for (const ack of acks) ack.reject(error);
        throw error;
      }
      for (const ack of acks) ack.resolve();
      // One flat array: per batch its chat, deliveries, header ("batch …"), due time, item count, items.
      let index = 0;
      while (index < reply.length) {
        const count = reply[index + 4] as number;
        const header = reply[index + 2] as string;
        batches.push({
          key: reply[index] as string,
          deliveries: reply[index + 1] as number,
          batchId: header.slice(0, header.indexOf(' ')),
          dueAtMs: Number(reply[index + 3]),
          items: reply.slice(index + 5, index + 5 + count) as string[],
        });
        index += 5 + count;
      }
    }
    return batches;
  }

  /**
   * Removes the claimed batch of `key` when `batchId` is still the claimed one; a waiting burst
   * becomes ready. The acks of one event-loop turn go to Redis as one script call per shard (each still
   * applied on its own), so many instances finishing many flushes cost few round trips.
   */
  ack(key: string, batchId: string): Promise<void> {
    const shard = this.shardOf(key);
    return new Promise<void>((resolve, reject) => {
      shard.acks.push({ key, batchId, resolve, reject });
      // Sent after this turn of the event loop (not at its end): a claimDue started meanwhile, as the
      // debouncer does right after handling a claimed set, carries them in its own call instead.
      if (shard.acks.length === 1) setImmediate(() => this.sendAcks(shard));
    });
  }

  private sendAcks(shard: Shard): void {
    while (shard.acks.length > 0) this.sendAckBatch(shard, shard.acks.splice(0, maxAcksPerCall));
  }

  private sendAckBatch(shard: Shard, acks: readonly PendingAck[]): void {
    const args: string[] = [shard.base];
    for (const ack of acks) args.push(ack.key, ack.batchId);
    this.executor
      .run('debounce ack', () =>
        ackScript.run(this.client, [shard.ready, shard.leases, shard.waiting, shard.dues], args),
      )
      .then(
        () => {
          for (const ack of acks) ack.resolve();
        },
        (error: unknown) => {
          for (const ack of acks) ack.reject(error);
        },
      );
  }

  /** Moves the lease end of a claimed batch to `nowMs + leaseMs`; false when it is not claimed any more. */
  async extendLease(key: string, batchId: string, leaseMs: number, nowMs: number): Promise<boolean> {
    const shard = this.shardOf(key);
    const reply = await this.executor.run('debounce extendLease', () =>
      extendLeaseScript.run(
        this.client,
        [shard.leases, `${shard.base}c:${key}`],
        [key, batchId, nowMs + leaseMs],
      ),
    );
    return reply === 1;
  }

  /** The earliest due time of a ready burst or lease end of a claimed batch, if anything is stored. */
  async nextDueAt(): Promise<number | undefined> {
    const replies = await Promise.all(
      this.shards.map((shard) =>
        this.executor.run('debounce nextDueAt', () =>
          nextDueScript.run(this.client, [shard.ready, shard.leases], []),
        ),
      ),
    );
    let earliest: number | undefined;
    for (const reply of replies as [string | null, string | null][]) {
      for (const value of reply) {
        if (value === null) continue;
        const atMs = Number(value);
        if (earliest === undefined || atMs < earliest) earliest = atMs;
      }
    }
    return earliest;
  }

  private shardOf(key: string): Shard {
    if (this.shards.length === 1) return this.shards[0] as Shard;
    return this.shards[fnv1a(key) % this.shards.length] as Shard;
  }
}

interface Shard {
  /** Prefix of the shard's per-chat keys, ending in `:`. */
  readonly base: string;
  readonly ready: string;
  readonly leases: string;
  /** Chats whose pending burst waits for their claimed batch's ack, by due time. */
  readonly waiting: string;
  /** Due time of each claimed batch, by chat. */
  readonly dues: string;
  /** Acks waiting for this tick's coalesced call. */
  readonly acks: PendingAck[];
}

interface PendingAck {
  readonly key: string;
  readonly batchId: string;
  resolve(): void;
  reject(error: unknown): void;
}

/** 32-bit FNV-1a over the UTF-16 code units: a stable, cheap spread of chats over shards. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

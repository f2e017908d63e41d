import {
  AbortedError,
  defaultFloodLimits,
  systemClock,
  type Clock,
  type FloodBudget,
  type FloodControl,
  type FloodDecision,
  type FloodLimits,
  type FloodRequest,
  type FloodScope,
} from '@botkeel/core';
import { z } from 'zod';
import { createStoreContext } from '../internal/create-context.js';
import { RedisScript } from '../internal/redis-script.js';
import { type RedisExecutor } from '../internal/redis-executor.js';
import { redisStoreOptionsShape, type RedisStoreOptions } from '../internal/store-options.js';
import { type RedisClient } from '../redis-client.js';

/** Options of {@link RedisFloodControl}. */
export interface RedisFloodControlOptions extends RedisStoreOptions {
  /** The budgets; any omitted one uses `defaultFloodLimits` (Telegram's published limits). */
  limits?: Partial<FloodLimits>;
  /**
   * The source of "now", passed to Redis with every call (so tests can drive it). Keep the
   * instances' clocks NTP-synced: a skew of S ms lets a budget run up to S ms early. Default
   * `systemClock`.
   */
  clock?: Clock;
}

const budgetSchema = z.object({
  limit: z.number().int().positive(),
  windowMs: z.number().int().positive(),
  burst: z.number().int().positive(),
});

const optionsSchema = z.object({
  ...redisStoreOptionsShape,
  limits: z
    .object({ global: budgetSchema, privateChat: budgetSchema, groupChat: budgetSchema })
    .partial()
    .optional(),
});

/** Keys outlive the time they matter by this much, to absorb clock skew between instances. */
const slackMs = 1_000;

// KEYS: global arrival time, chat arrival time, global cooldown, chat cooldown.
// ARGV: nowMs, global interval, global tolerance, chat interval, chat tolerance, slack.
// One GCRA step on both budgets, spent together or not at all; a live cooldown denies first.
// Returns {1, 0} when allowed, else {0, waitMs, reason}.
const acquireScript = new RedisScript(
  'flood-acquire',
  `local now = tonumber(ARGV[1])
local cooldown = math.max(tonumber(redis.call('GET', KEYS[3]) or '0'), tonumber(redis.call('GET', KEYS[4]) or '0'))
if cooldown > now then return {0, math.ceil(cooldown - now), 'cooldown'} end
local function step(key, interval, tolerance)
  local base = math.max(tonumber(redis.call('GET', key) or '0'), now)
  local allowedAt = base - tolerance
  local wait = 0
  if allowedAt > now then wait = math.ceil(allowedAt - now) end
  return wait, base + interval
end
local globalWait, globalNext = step(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
local chatWait, chatNext = step(KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5]))
local wait = math.max(globalWait, chatWait)
if wait > 0 then return {0, wait, 'budget'} end
local slack = tonumber(ARGV[6])
redis.call('SET', KEYS[1], string.format('%.17g', globalNext), 'PX', math.ceil(globalNext - now) + slack)
redis.call('SET', KEYS[2], string.format('%.17g', chatNext), 'PX', math.ceil(chatNext - now) + slack)
return {1, 0}`,
);

// KEYS: cooldown. ARGV: untilMs, nowMs, slack. Keeps the later end.
const pauseScript = new RedisScript(
  'flood-pause',
  `local endMs = tonumber(ARGV[1])
local stored = tonumber(redis.call('GET', KEYS[1]) or '0')
if stored >= endMs then return 0 end
redis.call('SET', KEYS[1], string.format('%.17g', endMs), 'PX', math.max(1, math.ceil(endMs - tonumber(ARGV[2]))) + tonumber(ARGV[3]))
return 1`,
);

/**
 * {@link FloodControl} on Redis, for several instances sending as one bot: the global, per-chat and
 * per-group budgets (GCRA) and the `retry_after` cooldowns live in Redis, so one instance's 429
 * pauses that chat (or the whole bot) on every instance. `acquire` is ONE Lua script deciding the
 * global and the chat budget together; `pause` is one script that only ever extends a cooldown.
 * Every key of a bot shares one hash slot (`{keyPrefix}` tag), because the global budget takes
 * part in every decision. Time is the injected clock's, passed as an argument.
 *
 * Keys: `{keyPrefix}:flood:{{keyPrefix}}:global|chat:{id}|cooldown|cooldown:{id}`.
 *
 * @example
 * ```ts
 * const flood = new RedisFloodControl({ client, keyPrefix: 'bot' });
 * const telegram = createTelegramClient({ token, flood });
 * ```
 */
export class RedisFloodControl implements FloodControl {
  readonly name = 'redis';
  /** The budgets in force. */
  readonly limits: FloodLimits;
  private readonly client: RedisClient;
  private readonly executor: RedisExecutor;
  private readonly clock: Clock;
  private readonly keyBase: string;

  constructor(options: RedisFloodControlOptions) {
    const context = createStoreContext('RedisFloodControl', optionsSchema, options);
    this.client = context.client;
    this.executor = context.executor;
    this.clock = context.options.clock ?? systemClock;
    const limits = context.options.limits;
    this.limits = {
      global: limits?.global ?? defaultFloodLimits.global,
      privateChat: limits?.privateChat ?? defaultFloodLimits.privateChat,
      groupChat: limits?.groupChat ?? defaultFloodLimits.groupChat,
    };
    const prefix = context.options.keyPrefix;
    this.keyBase = `${prefix}:flood:{${prefix}}:`;
  }

  /** Tries to spend one slot of the global and of the chat's budget, atomically (one script call). */
  async acquire(request: FloodRequest, options: { signal?: AbortSignal } = {}): Promise<FloodDecision> {
    if (options.signal?.aborted === true) throw new AbortedError();
    const chatBudget = request.chatKind === 'group' ? this.limits.groupChat : this.limits.privateChat;
    const reply = (await this.executor.run(
      'flood acquire',
      () =>
        acquireScript.run(
          this.client,
          [
            `${this.keyBase}global`,
            `${this.keyBase}chat:${request.chatId}`,
            `${this.keyBase}cooldown`,
            `${this.keyBase}cooldown:${request.chatId}`,
          ],
          [this.clock.now(), ...shape(this.limits.global), ...shape(chatBudget), slackMs],
        ),
      options.signal,
    )) as [number, number, string?];
    if (reply[0] === 1) return { allowed: true, waitMs: 0 };
    return { allowed: false, waitMs: reply[1], reason: reply[2] === 'cooldown' ? 'cooldown' : 'budget' };
  }

  /** Pauses every send in `scope` for `durationMs` from now; never shortens a longer pause. */
  async pause(scope: FloodScope, durationMs: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (options.signal?.aborted === true) throw new AbortedError();
    const nowMs = this.clock.now();
    const key = scope === 'global' ? `${this.keyBase}cooldown` : `${this.keyBase}cooldown:${scope.chatId}`;
    await this.executor.run(
      'flood pause',
      () => pauseScript.run(this.client, [key], [nowMs + Math.max(0, durationMs), nowMs, slackMs]),
      options.signal,
    );
  }
}

/** The GCRA constants of a budget: emission interval and burst tolerance, in ms. */
function shape(budget: FloodBudget): [number, number] {
  const intervalMs = budget.windowMs / budget.limit;
  return [intervalMs, (budget.burst - 1) * intervalMs];
}

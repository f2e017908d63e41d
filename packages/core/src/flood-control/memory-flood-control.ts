import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { AbortedError } from '../errors/subclasses.js';
import { parseOptions } from '../errors/parse-options.js';
import {
  defaultFloodLimits,
  type FloodBudget,
  type FloodControl,
  type FloodDecision,
  type FloodLimits,
  type FloodRequest,
  type FloodScope,
} from './flood-control.js';
import { gcraStep } from './gcra.js';

/** Options of {@link MemoryFloodControl}. */
export interface MemoryFloodControlOptions {
  /** The budgets; any omitted one uses {@link defaultFloodLimits}. */
  limits?: Partial<FloodLimits>;
  /** Where time comes from. Default `systemClock`. */
  clock?: Clock;
}

const budgetSchema = z.object({
  limit: z.number().int().positive(),
  windowMs: z.number().int().positive(),
  burst: z.number().int().positive(),
});

const optionsSchema = z.object({
  limits: z
    .object({ global: budgetSchema, privateChat: budgetSchema, groupChat: budgetSchema })
    .partial()
    .optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
});

/** Entries are swept when the maps grow past this many keys. */
const sweepThreshold = 10_000;

/**
 * Resolves partial limits against {@link defaultFloodLimits}.
 *
 * @example
 * ```ts
 * resolveFloodLimits({ groupChat: { limit: 10, windowMs: 60_000, burst: 1 } }).global; // 30/s
 * ```
 */
export function resolveFloodLimits(limits: Partial<FloodLimits> | undefined): FloodLimits {
  return {
    global: limits?.global ?? defaultFloodLimits.global,
    privateChat: limits?.privateChat ?? defaultFloodLimits.privateChat,
    groupChat: limits?.groupChat ?? defaultFloodLimits.groupChat,
  };
}

/**
 * {@link FloodControl} for one process: the budgets and cooldowns live in this instance's memory.
 * Use `RedisFloodControl` from `@botkeel/store-redis` when several instances send as one bot.
 *
 * @example
 * ```ts
 * const flood = new MemoryFloodControl({ clock });
 * const client = createTelegramClient({ token, flood });
 * ```
 */
export class MemoryFloodControl implements FloodControl {
  readonly name = 'memory';
  /** The budgets in force. */
  readonly limits: FloodLimits;
  private readonly clock: Clock;
  private globalTatMs = 0;
  private globalCooldownUntilMs = 0;
  private readonly chatTatMs = new Map<string, number>();
  private readonly chatCooldownUntilMs = new Map<string, number>();

  constructor(options: MemoryFloodControlOptions = {}) {
    const parsed = parseOptions('MemoryFloodControl', optionsSchema, options);
    this.limits = resolveFloodLimits(parsed.limits);
    this.clock = options.clock ?? systemClock;
  }

  /** {@inheritDoc FloodControl.acquire} */
  acquire(request: FloodRequest, options: { signal?: AbortSignal } = {}): Promise<FloodDecision> {
    if (options.signal?.aborted === true) return Promise.reject(new AbortedError());
    const nowMs = this.clock.now();
    this.sweep(nowMs);
    const cooldownUntilMs = Math.max(
      this.globalCooldownUntilMs,
      this.chatCooldownUntilMs.get(request.chatId) ?? 0,
    );
    if (cooldownUntilMs > nowMs) {
      return Promise.resolve({
        allowed: false,
        waitMs: Math.ceil(cooldownUntilMs - nowMs),
        reason: 'cooldown',
      });
    }
    const chatBudget: FloodBudget =
      request.chatKind === 'group' ? this.limits.groupChat : this.limits.privateChat;
    const global = gcraStep(this.limits.global, this.globalTatMs, nowMs);
    const chat = gcraStep(chatBudget, this.chatTatMs.get(request.chatId) ?? 0, nowMs);
    const waitMs = Math.max(global.waitMs, chat.waitMs);
    if (waitMs > 0) return Promise.resolve({ allowed: false, waitMs, reason: 'budget' });
    this.globalTatMs = global.nextTatMs;
    this.chatTatMs.set(request.chatId, chat.nextTatMs);
    return Promise.resolve({ allowed: true, waitMs: 0 });
  }

  /** {@inheritDoc FloodControl.pause} */
  pause(scope: FloodScope, durationMs: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (options.signal?.aborted === true) return Promise.reject(new AbortedError());
    const untilMs = this.clock.now() + Math.max(0, durationMs);
    if (scope === 'global') {
      this.globalCooldownUntilMs = Math.max(this.globalCooldownUntilMs, untilMs);
    } else {
      this.chatCooldownUntilMs.set(
        scope.chatId,
        Math.max(this.chatCooldownUntilMs.get(scope.chatId) ?? 0, untilMs),
      );
    }
    return Promise.resolve();
  }

  /** Forgets buckets and cooldowns that are back to their fresh state, so memory stays bounded. */
  private sweep(nowMs: number): void {
    if (this.chatTatMs.size > sweepThreshold) {
      for (const [chatId, tatMs] of this.chatTatMs) if (tatMs <= nowMs) this.chatTatMs.delete(chatId);
    }
    if (this.chatCooldownUntilMs.size > sweepThreshold) {
      for (const [chatId, untilMs] of this.chatCooldownUntilMs) {
        if (untilMs <= nowMs) this.chatCooldownUntilMs.delete(chatId);
      }
    }
  }
}

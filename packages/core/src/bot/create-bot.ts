import { type AnyStateMachine } from 'xstate';
import { systemClock } from '../clock/system-clock.js';
import { type BotContext, currentContext, runWithContext } from '../context/context.js';
import { createDebouncer, type FlushInfo } from '../debounce/index.js';
import { MemoryDebounceStore } from '../debounce/memory-debounce-store.js';
import { MemoryDedupeStore } from '../dedupe/memory-dedupe-store.js';
import { parseOptions } from '../errors/parse-options.js';
import { MemoryIdempotencyStore } from '../idempotency/memory-idempotency-store.js';
import {
  type CloseFn,
  createLifecycle,
  type RegisterOptions,
  type ShutdownReport,
} from '../lifecycle/index.js';
import { MemoryLockStore } from '../lock/memory-lock-store.js';
import { createSafeLogger } from '../logger/safe-logger.js';
import { createChatLock } from '../queue/index.js';
import { botkeelMeter } from '../telemetry/instruments.js';
import { MetricNames, SpanNames } from '../telemetry/names.js';
import { noAttributes, withSpan } from '../telemetry/instruments.js';
import { invalidMessageReason } from './accept-message.js';
import { type Ack, type BotMessage } from './bot-message.js';
import { botOptionsSchema, type CreateBotOptions } from './bot-options.js';
import { createTurnRunner } from './turn-runner.js';

/** A message as the debouncer stores it: the message and the trace of the update that brought it. */
interface QueuedMessage {
  readonly message: BotMessage;
  readonly traceId: string | undefined;
}

/** Options of {@link Bot.stop}. */
export interface BotStopOptions {
  /** Everything — draining, in-flight turns, registered resources — within this. Default 10,000. */
  deadlineMs?: number;
  /**
   * True (default): flush pending bursts now and answer them before stopping. False: leave them in
   * the debounce store for another instance (rolling deploys with a shared store).
   */
  drain?: boolean;
}

/** A bot assembled by {@link createBot}: the path of DESIGN §2 behind one `handle`. */
export interface Bot {
  /**
   * Accepts one message: dedupe, rate limit, then a durable push into the chat's burst. Resolves only
   * once the message is stored (or refused); never rejects for bad input or a store outage (that is
   * `'unavailable'`, and the platform should redeliver).
   */
  handle(message: BotMessage): Promise<Ack>;
  /** Starts turning bursts into conversation turns. */
  start(): void;
  /**
   * Stops: new messages get `'unavailable'`, pending bursts are drained (or left for another
   * instance), in-flight turns finish, then registered resources close in reverse order — all
   * within `deadlineMs`. Calling it again returns the same report.
   */
  stop(options?: BotStopOptions): Promise<ShutdownReport>;
  /** Hands the chat to a human: the conversation ends, the managers are notified, the bot goes quiet. */
  escalate(chatId: string, reason: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Gives the chat back to the bot after a human is done: the next message starts a new conversation. */
  release(chatId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Registers a resource (pool, client, server) to close at `stop`, after the bot's own work. */
  register(name: string, close: CloseFn, options?: RegisterOptions): () => void;
  /** False once `stop` was called. */
  readonly isAccepting: boolean;
}

/**
 * Assembles a bot from the primitives: `handle` runs dedupe → rate limit → durable debounce push;
 * each debounced burst becomes one conversation turn (sanitized, serialized per chat, idempotent per
 * batch), whose replies go to the channel and whose escalation goes to the humans.
 *
 * @example
 * ```ts
 * const bot = createBot({
 *   channel: telegram,
 *   conversation: createConversation({ machine, checkpoints: new PostgresCheckpointStore({ pool }) }),
 *   toEvents: (batch) => [{ type: 'USER_MESSAGE', text: batch.text }],
 *   dedupe: new RedisDedupeStore({ client, keyPrefix: 'shop' }),
 *   rateLimiter: createRateLimiter({ rules: [{ limit: 20, windowMs: 60_000 }], chain: [redisLimits, memoryLimits] }),
 *   debounce: { store: new RedisDebounceStore({ client, keyPrefix: 'shop' }) },
 *   sanitizer: createSanitizer({ policy: 'neutralize' }),
 * });
 * bot.start();
 * const ack = await bot.handle(message);
 * ```
 */
export function createBot<TMachine extends AnyStateMachine>(options: CreateBotOptions<TMachine>): Bot {
  parseOptions('createBot', botOptionsSchema, options);
  const clock = options.clock ?? systemClock;
  const logger = createSafeLogger(options.logger);
  const dedupe = options.dedupe ?? new MemoryDedupeStore({ clock });
  const dedupeLeaseMs = options.dedupeLeaseMs ?? 30_000;
  const dedupeTtlMs = options.dedupeTtlMs ?? 86_400_000;
  // Every message's claim and completion: one options object each, not one per call.
  const claimOptions = { leaseMs: dedupeLeaseMs };
  const completeOptions = { ttlMs: dedupeTtlMs };
  const debounce = options.debounce ?? {};
  const chatLock = createChatLock({
    locks: options.locks ?? new MemoryLockStore({ clock }),
    clock,
    leaseMs: debounce.leaseMs ?? 60_000,
  });
  const turns = createTurnRunner({
    ...options,
    clock,
    logger,
    idempotency: options.idempotency ?? new MemoryIdempotencyStore({ clock }),
    chatLock,
  });
  const lifecycle = createLifecycle({ clock, logger });
  const meter = botkeelMeter();
  const updates = meter.createCounter(MetricNames.updates, {
    description: 'Messages handled, by ack status',
  });
  const duplicates = meter.createCounter(MetricNames.dedupeDuplicates, {
    description: 'Redelivered updates dropped',
  });
  const background = new Set<Promise<unknown>>();
  let stopReport: Promise<ShutdownReport> | undefined;

  // Each stored message carries the trace id of the update that brought it, so the turn's log lines
  // and spans continue the first update's trace even on another instance.
  const debouncer = createDebouncer<QueuedMessage>({
    store: debounce.store ?? new MemoryDebounceStore(),
    quietMs: debounce.quietMs ?? 1_500,
    maxWaitMs: debounce.maxWaitMs ?? 6_000,
    maxItems: debounce.maxItems ?? 10,
    leaseMs: debounce.leaseMs ?? 60_000,
    pollMs: debounce.pollMs ?? 1_000,
    clock,
    logger,
    onFlush: (chatId: string, queued: QueuedMessage[], info: FlushInfo) => {
      const first = queued[0];
      const messages = queued.map((item) => item.message);
      // The whole context of the batch's first update: the pump that claimed the batch may run in
      // another update's context, whose userId must not leak into this turn's log lines.
      const context: Partial<BotContext> = {
        chatId,
        userId: first?.message.userId,
        updateId: first?.message.updateKey ?? info.batchId,
        traceId: first?.traceId,
      };
      return runWithContext(context, () => turns.runBatch(chatId, messages, info));
    },
  });

  const track = (work: Promise<unknown>) => {
    background.add(work);
    void work.finally(() => background.delete(work));
  };

  const noticeRateLimited = (message: BotMessage, retryAfterMs: number) => {
    const text = options.texts?.rateLimited?.(message);
    if (text === undefined) return;
    const noticeKey = `notice:ratelimit:${message.channel}:${message.chatId}`;
    const context = currentContext();
    const send = async () => {
      // A claim that is never completed lapses after the window: at most one notice per window, cluster-wide.
      const claim = await dedupe.claim(noticeKey, { leaseMs: Math.max(1_000, retryAfterMs) });
      if (claim !== 'claimed') return;
      await options.channel.send({
        chatId: message.chatId,
        text,
        idempotencyKey: `${noticeKey}:${message.updateKey}`,
      });
    };
    track(
      runWithContext(context ?? {}, send).catch((error: unknown) =>
        logger.warn({ err: error }, 'rate-limit notice failed'),
      ),
    );
  };

  const accept = async (message: BotMessage): Promise<Ack> => {
    if (stopReport !== undefined) return { status: 'unavailable', reason: 'draining' };
    const invalid = invalidMessageReason(message);
    if (invalid !== undefined) return { status: 'rejected', reason: invalid };

    let claim;
    try {
      claim = await withSpan(SpanNames.dedupeClaim, noAttributes, (span) => {
        const claimed = dedupe.claim(message.updateKey, claimOptions);
        // Without a recording span there is nothing to note: no promise more per message.
        if (!span.isRecording()) return claimed;
        return claimed.then((result) => {
          span.setAttribute('botkeel.dedupe.result', result);
          return result;
        });
      });
    } catch (error) {
      logger.error({ err: error }, 'dedupe store unavailable');
      return { status: 'unavailable', reason: 'dedupe-store' };
    }
    if (claim === 'duplicate') {
      duplicates.add(1);
      return { status: 'duplicate' };
    }
    // Another delivery of this update is being stored right now; if it fails, a later redelivery must find it claimable.
    if (claim === 'in-progress') return { status: 'unavailable', reason: 'in-progress' };

    try {
      if (options.rateLimiter !== undefined) {
        const keys = options.rateLimitKeys?.(message) ?? message.userId;
        const limiter = options.rateLimiter;
        const decision = await withSpan(SpanNames.rateLimitConsume, noAttributes, async (span) => {
          const result = await limiter.consume(keys);
          span.setAttributes({
            'botkeel.ratelimit.source': result.source,
            'botkeel.ratelimit.allowed': result.allowed,
          });
          return result;
        });
        if (!decision.allowed) {
          await dedupe.complete(message.updateKey, completeOptions);
          noticeRateLimited(message, decision.retryAfterMs);
          return { status: 'rate-limited', reason: decision.source };
        }
      }
      await debouncer.push(
        message.chatId,
        { message, traceId: currentContext()?.traceId },
        { id: message.updateKey },
      );
    } catch (error) {
      await dedupe.release(message.updateKey).catch(() => undefined);
      logger.error({ err: error }, 'message could not be stored');
      return { status: 'unavailable', reason: 'store' };
    }
    try {
      await dedupe.complete(message.updateKey, completeOptions);
    } catch (error) {
      // The message is stored; only its dedupe mark is missing until the lease lapses.
      logger.warn({ err: error }, 'dedupe complete failed after the message was stored');
    }
    return { status: 'accepted' };
  };

  const stopNow = async (stopOptions: BotStopOptions): Promise<ShutdownReport> => {
    const deadlineMs = stopOptions.deadlineMs ?? 10_000;
    const startedAt = clock.now();
    const giveUp = new AbortController();
    const timer = clock.setTimeout(() => giveUp.abort(), deadlineMs);
    try {
      await debouncer.stop({ drain: stopOptions.drain ?? true, signal: giveUp.signal });
      await Promise.race([
        Promise.allSettled([...background]),
        new Promise((resolve) => giveUp.signal.addEventListener('abort', resolve, { once: true })),
      ]);
    } catch (error) {
      logger.warn({ err: error }, 'bot did not drain cleanly');
    } finally {
      clock.clearTimeout(timer);
    }
    const left = Math.max(0, deadlineMs - (clock.now() - startedAt));
    const report = await lifecycle.shutdown({ deadlineMs: left });
    return { ...report, elapsedMs: clock.now() - startedAt };
  };

  return {
    handle: (message) =>
      runWithContext({ chatId: message.chatId, userId: message.userId, updateId: message.updateKey }, () =>
        withSpan(SpanNames.update, { 'botkeel.channel': message.channel }, (span) =>
          accept(message).then((ack) => {
            span.setAttribute('botkeel.ack', ack.status);
            updates.add(1, { status: ack.status });
            return ack;
          }),
        ),
      ),
    start: () => debouncer.start(),
    stop(stopOptions = {}) {
      stopReport ??= withSpan(SpanNames.shutdown, noAttributes, () => stopNow(stopOptions));
      return stopReport;
    },
    escalate: (chatId, reason, callOptions) => turns.escalate(chatId, reason, callOptions?.signal),
    release: (chatId, callOptions) => turns.release(chatId, callOptions?.signal),
    register: (name, close, registerOptions) => lifecycle.register(name, close, registerOptions),
    get isAccepting() {
      return stopReport === undefined;
    },
  };
}

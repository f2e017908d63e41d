import { type Clock, type Logger, parseOptions, createSafeLogger, systemClock } from '@botkeel/core';
import { z } from 'zod';
import { toBotMessage } from '../inbound/to-bot-message.js';
import { updateSchema } from '../inbound/update-schema.js';
import { type MessageHandler, type UpdateInterceptor } from '../inbound/webhook-options.js';
import { sleep } from '../outbound/sleep.js';
import { type TelegramClient } from '../outbound/telegram-client-types.js';

/** Options of {@link createLongPolling}. */
export interface LongPollingOptions {
  /** Receives every update that converts to a message. */
  bot: MessageHandler;
  /** The client whose `getUpdates` is polled. */
  client: TelegramClient;
  /** Long-poll timeout in seconds. Default 25. */
  timeoutSeconds?: number;
  /** Update kinds to ask for (default: Telegram's default set). */
  allowedUpdates?: readonly string[];
  /** Called in order before the bot; the first that answers true consumes the update. */
  interceptors?: readonly UpdateInterceptor[];
  /** First pause after a failed poll or an `'unavailable'` ack; doubles up to `maxBackoffMs`. Default 1,000. */
  backoffMs?: number;
  /** Longest pause between attempts. Default 30,000. */
  maxBackoffMs?: number;
  logger?: Logger;
  clock?: Clock;
}

/** A running (or stopped) long-polling loop. */
export interface LongPolling {
  /** Starts polling (no-op when already running). */
  start(): void;
  /** Stops polling: aborts the open poll and resolves when the loop has ended. */
  stop(): Promise<void>;
  /** Whether the loop runs. */
  readonly isRunning: boolean;
  /** The next `offset` it will ask for (one above the last update handed over). */
  readonly offset: number | undefined;
}

const optionsSchema = z.object({
  bot: z.custom<MessageHandler>(
    (value) => typeof (value as MessageHandler | undefined)?.handle === 'function',
  ),
  client: z.custom<TelegramClient>(
    (value) => typeof (value as TelegramClient | undefined)?.getUpdates === 'function',
  ),
  timeoutSeconds: z.number().int().min(0).max(50).default(25),
  allowedUpdates: z.array(z.string()).optional(),
  interceptors: z.array(z.custom<UpdateInterceptor>((value) => typeof value === 'function')).default([]),
  backoffMs: z.number().int().positive().default(1_000),
  maxBackoffMs: z.number().int().positive().default(30_000),
  logger: z.custom<Logger>((value) => typeof (value as Logger | undefined)?.warn === 'function').optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
});

/**
 * Polls `getUpdates` for local development (no public URL needed). The offset moves past an update
 * only after the bot accepted it (any ack but `'unavailable'`), so nothing is lost when the bot or a
 * store fails: the update comes again after a backoff. Invalid updates are logged and skipped.
 * Failed polls back off exponentially (capped). `stop()` aborts the open poll and waits for the loop.
 *
 * @example
 * ```ts
 * const polling = createLongPolling({ bot, client });
 * polling.start();
 * process.once('SIGINT', () => void polling.stop());
 * ```
 */
export function createLongPolling(options: LongPollingOptions): LongPolling {
  const parsed = parseOptions('createLongPolling', optionsSchema, options);
  const { bot, client, timeoutSeconds, interceptors } = parsed;
  const clock = options.clock ?? systemClock;
  const logger = createSafeLogger(options.logger);
  let offset: number | undefined;
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let failures = 0;

  const pause = async (signal: AbortSignal): Promise<void> => {
    failures += 1;
    const delayMs = Math.min(parsed.maxBackoffMs, parsed.backoffMs * 2 ** (failures - 1));
    await sleep(clock, delayMs, signal).catch(() => undefined);
  };

  /** Hands one update over; answers false when it must be asked for again later. */
  const deliver = async (raw: unknown): Promise<boolean> => {
    const result = updateSchema.safeParse(raw);
    if (!result.success) {
      logger.warn({ reason: result.error.issues[0]?.message }, 'long polling skipped an invalid update');
      return true;
    }
    const update = result.data;
    for (const intercept of interceptors) if (await intercept(update)) return true;
    const message = toBotMessage(update, { botId: client.botId, receivedAt: clock.now() });
    if (message === undefined) return true;
    const ack = await bot.handle(message);
    return ack.status !== 'unavailable';
  };

  const run = async (signal: AbortSignal): Promise<void> => {
    while (!signal.aborted) {
      let updates: unknown[];
      try {
        updates = await client.getUpdates({
          timeoutSeconds,
          signal,
          ...(offset === undefined ? {} : { offset }),
          ...(parsed.allowedUpdates === undefined ? {} : { allowedUpdates: parsed.allowedUpdates }),
        });
      } catch (error) {
        if (signal.aborted) return;
        logger.warn({ err: error }, 'getUpdates failed; backing off');
        await pause(signal);
        continue;
      }
      let isHandedOver = true;
      for (const raw of updates) {
        const updateId = (raw as { update_id?: unknown } | null)?.update_id;
        try {
          isHandedOver = await deliver(raw);
        } catch (error) {
          logger.error({ err: error }, 'the bot failed on an update; it will be polled again');
          isHandedOver = false;
        }
        if (!isHandedOver) break;
        if (typeof updateId === 'number' && Number.isSafeInteger(updateId)) offset = updateId + 1;
      }
      if (isHandedOver) failures = 0;
      else await pause(signal);
    }
  };

  return {
    start(): void {
      if (loop !== undefined) return;
      controller = new AbortController();
      loop = run(controller.signal).finally(() => {
        loop = undefined;
      });
    },
    async stop(): Promise<void> {
      controller?.abort();
      await loop;
    },
    get isRunning() {
      return loop !== undefined;
    },
    get offset() {
      return offset;
    },
  };
}

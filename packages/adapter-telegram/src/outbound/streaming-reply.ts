import {
  type Clock,
  type Logger,
  parseOptions,
  createSafeLogger,
  systemClock,
  type TimerHandle,
} from '@botkeel/core';
import { z } from 'zod';
import { markdownToEntities } from './markdown-to-entities.js';
import { splitText } from './split-text.js';
import { type SentMessage, type TelegramClient } from './telegram-client-types.js';

/** Options of {@link createStreamingReply}. */
export interface StreamingReplyOptions {
  client: TelegramClient;
  chatId: string;
  /** Least time between two edits of the placeholder (Telegram's edit budget). Default 1,000. */
  minEditIntervalMs?: number;
  /** The placeholder's text until the first edit. Default `'…'`. */
  placeholder?: string;
  /** `'markdown'` converts LLM Markdown to entities at every edit (unclosed markers stay as text). Default `'plain'`. */
  format?: 'plain' | 'markdown';
  /** A forum topic to reply in. */
  messageThreadId?: number;
  logger?: Logger;
  clock?: Clock;
}

/** A reply that grows as LLM deltas arrive. */
export interface StreamingReply {
  /** Appends a delta; the placeholder is edited at most once per `minEditIntervalMs`. */
  push(delta: string): void;
  /**
   * Writes the final text: the placeholder gets the first 4,096 units, further parts are sent as new
   * messages. Answers every message of the reply.
   */
  finish(options?: { signal?: AbortSignal }): Promise<SentMessage[]>;
}

const optionsSchema = z.object({
  client: z.custom<TelegramClient>(
    (value) => typeof (value as TelegramClient | undefined)?.editMessageText === 'function',
  ),
  chatId: z.string().regex(/^-?\d{1,20}$/),
  minEditIntervalMs: z.number().int().min(100).default(1_000),
  placeholder: z.string().min(1).max(4_096).default('…'),
  format: z.enum(['plain', 'markdown']).default('plain'),
  messageThreadId: z.number().int().positive().optional(),
  logger: z.custom<Logger>((value) => typeof (value as Logger | undefined)?.warn === 'function').optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
});

/**
 * Streams an LLM answer into Telegram: the first delta posts a placeholder, later deltas edit it no
 * more often than `minEditIntervalMs` (edits also go through the client's flood control), and
 * `finish` writes the final text, continuing in new messages past 4,096 UTF-16 units. A failed
 * intermediate edit is logged and skipped (the next one, or `finish`, catches up).
 *
 * @example
 * ```ts
 * const reply = createStreamingReply({ client, chatId: '42', format: 'markdown' });
 * for await (const delta of llm.stream(prompt)) reply.push(delta);
 * await reply.finish();
 * ```
 */
export function createStreamingReply(options: StreamingReplyOptions): StreamingReply {
  const parsed = parseOptions('createStreamingReply', optionsSchema, options);
  const { client, chatId, minEditIntervalMs, format } = parsed;
  const clock = options.clock ?? systemClock;
  const logger = createSafeLogger(options.logger);
  const thread = parsed.messageThreadId === undefined ? {} : { messageThreadId: parsed.messageThreadId };
  let text = '';
  let shownText = '';
  let placeholder: Promise<SentMessage | undefined> | undefined;
  let lastEditAt = Number.NEGATIVE_INFINITY;
  let timer: TimerHandle | undefined;
  let editing: Promise<void> = Promise.resolve();
  let isFinished = false;

  /** The current text, formatted and split into Telegram messages. */
  const render = () => {
    const formatted = format === 'markdown' ? markdownToEntities(text) : { text, entities: [] };
    return splitText(formatted.text, formatted.entities);
  };

  const edit = async (): Promise<void> => {
    timer = undefined;
    const message = await placeholder;
    if (!isFinished && clock.now() < lastEditAt + minEditIntervalMs) {
      schedule();
      return;
    }
    const first = render()[0];
    if (message === undefined || isFinished || first === undefined || first.text.trim() === '') return;
    const shown = JSON.stringify(first);
    if (shown === shownText) return;
    lastEditAt = clock.now();
    try {
      await client.editMessageText(chatId, message.messageId, first.text, { entities: first.entities });
      shownText = shown;
    } catch (error) {
      logger.warn({ err: error, chatId }, 'streaming edit failed; the next edit catches up');
    }
  };

  const schedule = (): void => {
    if (timer !== undefined || isFinished) return;
    const delayMs = Math.max(0, lastEditAt + minEditIntervalMs - clock.now());
    timer = clock.setTimeout(() => {
      editing = editing.then(edit);
    }, delayMs);
  };

  return {
    push(delta: string): void {
      if (isFinished) return;
      text += delta;
      placeholder ??= client
        .sendMessage(chatId, parsed.placeholder, thread)
        .then((sent) => {
          lastEditAt = clock.now();
          return sent[0];
        })
        .catch((error: unknown) => {
          logger.warn({ err: error, chatId }, 'streaming placeholder failed; the answer is sent at the end');
          return undefined;
        });
      schedule();
    },
    async finish(finishOptions = {}): Promise<SentMessage[]> {
      isFinished = true;
      clock.clearTimeout(timer);
      timer = undefined;
      await editing;
      const message = await placeholder;
      const signal = finishOptions.signal === undefined ? {} : { signal: finishOptions.signal };
      if (message === undefined) {
        return text.trim() === '' ? [] : client.sendMessage(chatId, text, { format, ...thread, ...signal });
      }
      const parts = render();
      const [first, ...rest] = parts;
      if (first === undefined || first.text.trim() === '') return [message];
      if (JSON.stringify(first) !== shownText) {
        await client.editMessageText(chatId, message.messageId, first.text, {
          entities: first.entities,
          ...signal,
        });
      }
      const sent: SentMessage[] = [message];
      for (const part of rest) {
        sent.push(
          ...(await client.sendMessage(chatId, part.text, { entities: part.entities, ...thread, ...signal })),
        );
      }
      return sent;
    },
  };
}

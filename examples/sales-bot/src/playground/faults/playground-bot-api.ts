import { trace } from '@opentelemetry/api';
import { type FetchFunction } from '@botkeel/adapter-telegram';
import { type PlaygroundChannel } from '../playground-channel.js';

/** Options of {@link createPlaygroundBotApi}. */
export interface PlaygroundBotApiOptions {
  /** Where delivered messages land (the page reads them from there). */
  readonly outbox: PlaygroundChannel;
  /** Asked on every `sendMessage`: true answers the first attempt of each message with a 429. */
  readonly isThrottled: () => boolean;
  /** The `retry_after` of those 429s, in seconds. Default 1. */
  readonly retryAfterSeconds?: number;
}

interface SendMessageParams {
  chat_id?: unknown;
  text?: unknown;
  reply_markup?: { inline_keyboard?: { text?: unknown; callback_data?: unknown }[][] };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * An in-process stand-in for the Telegram Bot API, as the `fetch` of a real `createTelegramClient`:
 * the playground's replies go through the real send path (flood control, 429 retries, idempotency)
 * and land in the page's outbox. With the "Telegram 429" switch on, the first attempt of each message
 * is answered `429 retry_after`, as Telegram does under flood control; the retry is then accepted.
 * Each answer is noted as an event on the active span (the `botkeel.channel.send` of the reply).
 */
export function createPlaygroundBotApi(options: PlaygroundBotApiOptions): { fetch: FetchFunction } {
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const throttled = new Set<string>();
  let messageId = 0;

  const sendMessage = async (params: SendMessageParams): Promise<Response> => {
    const chatId = String(params.chat_id);
    const text = typeof params.text === 'string' ? params.text : '';
    const span = trace.getActiveSpan();
    const attemptKey = `${chatId}\n${text}`;
    if (options.isThrottled() && !throttled.has(attemptKey)) {
      throttled.add(attemptKey);
      if (throttled.size > 1_000) throttled.delete(throttled.values().next().value as string);
      span?.addEvent('bot-api: 429 Too Many Requests', { 'telegram.retry_after_s': retryAfterSeconds });
      return json(429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfterSeconds}`,
        parameters: { retry_after: retryAfterSeconds },
      });
    }
    throttled.delete(attemptKey);
    const buttons = (params.reply_markup?.inline_keyboard ?? []).flat().map((button) => ({
      text: String(button.text),
      data: String(button.callback_data),
    }));
    await options.outbox.send({ chatId, text, ...(buttons.length > 0 ? { buttons } : {}) });
    messageId += 1;
    span?.addEvent('bot-api: 200 sendMessage', { 'telegram.message_id': messageId });
    return json(200, {
      ok: true,
      result: { message_id: messageId, date: 0, chat: { id: chatId, type: 'private' }, text },
    });
  };

  return {
    async fetch(url, init) {
      const method = new URL(url).pathname.split('/').at(-1) ?? '';
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : {};
      if (method === 'sendMessage') return sendMessage(body as SendMessageParams);
      return json(200, { ok: true, result: true });
    },
  };
}

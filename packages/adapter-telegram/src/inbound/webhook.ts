import { type IncomingMessage, type ServerResponse } from 'node:http';
import {
  type Ack,
  parseOptions,
  runWithContext,
  createSafeLogger,
  systemClock,
  verifySecret,
} from '@botkeel/core';
import { parseUntrustedJson } from './parse-untrusted-json.js';
import { readCapped, readCappedStream, type CappedBody } from './read-body.js';
import { createSourceRangeMatcher } from './source-ranges.js';
import { toBotMessage } from './to-bot-message.js';
import { updateSchema } from './update-schema.js';
import { telegramWebhookOptionsSchema, type TelegramWebhookOptions } from './webhook-options.js';

/** The node:http and web-standard entry points of one webhook. */
export interface TelegramWebhook {
  /** Web-standard handler (Bun, Deno, hono, …). Pass the peer address when source ranges are checked. */
  readonly fetch: (request: Request, info?: { remoteAddress?: string }) => Promise<Response>;
  /** node:http handler: `http.createServer(webhook.listener)`. */
  readonly listener: (request: IncomingMessage, response: ServerResponse) => void;
}

interface RequestParts {
  readonly method: string;
  readonly secret: string | null;
  readonly remoteAddress: string | undefined;
  readonly forwardedFor: string | null;
  readonly contentLength: string | null;
  readBody(maxBytes: number): Promise<CappedBody>;
}

interface Outcome {
  readonly status: number;
  readonly body: string;
}

const ackStatus = (ack: Ack): number => (ack.status === 'unavailable' ? 503 : 200);

/**
 * Creates the Telegram webhook endpoint. Every request goes through, in this order: method POST
 * (405); the `X-Telegram-Bot-Api-Secret-Token` header via `verifySecret` (401); the source address
 * against `allowedSourceRanges` when set (403); the body size while reading (413); strict UTF-8
 * (400); JSON without `__proto__`/`constructor.prototype` keys, within depth and key caps (400);
 * {@link updateSchema} (400). A valid update is converted with {@link toBotMessage} and handed to
 * `bot.handle`; the answer is 200 once the bot accepted it (also for duplicates, rate-limited and
 * ignored updates) and 503 when the bot answers `'unavailable'`, so Telegram redelivers later.
 * Bad input never gets a 5xx and never throws.
 *
 * @example
 * ```ts
 * const webhook = createTelegramWebhook({ bot, botId: '123456', secretToken: process.env.TG_SECRET! });
 * http.createServer(webhook.listener).listen(8080);
 * ```
 */
export function createTelegramWebhook(options: TelegramWebhookOptions): TelegramWebhook {
  const parsed = parseOptions('createTelegramWebhook', telegramWebhookOptionsSchema, options);
  const { bot, botId, secretToken, maxBodyBytes, trustProxy, maxDepth, maxKeys, interceptors } = parsed;
  const logger = createSafeLogger(options.logger);
  const clock = options.clock ?? systemClock;
  const sources =
    parsed.allowedSourceRanges === undefined
      ? undefined
      : createSourceRangeMatcher(parsed.allowedSourceRanges);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

  const clientAddress = (parts: RequestParts): string | undefined => {
    if (trustProxy && parts.forwardedFor !== null) {
      const entries = parts.forwardedFor.split(',');
      const last = entries[entries.length - 1]?.trim();
      if (last !== undefined && last !== '') return last;
    }
    return parts.remoteAddress;
  };

  const refuse = (status: number, reason: string): Outcome => {
    logger.warn({ status, reason }, 'telegram webhook refused a request');
    return { status, body: reason };
  };

  const process = async (parts: RequestParts): Promise<Outcome> => {
    if (parts.method !== 'POST') return refuse(405, 'method not allowed');
    if (!verifySecret(secretToken, parts.secret)) return refuse(401, 'unauthorized');
    if (sources !== undefined && !sources.matches(clientAddress(parts)))
      return refuse(403, 'forbidden source');
    if (parts.contentLength !== null) {
      const declared = Number(parts.contentLength);
      if (Number.isFinite(declared) && declared > maxBodyBytes) return refuse(413, 'payload too large');
    }
    const bytes = await parts.readBody(maxBodyBytes);
    if (bytes === undefined) return refuse(413, 'payload too large');
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return refuse(400, 'bad request: invalid UTF-8');
    }
    const json = parseUntrustedJson(text, { maxDepth, maxKeys });
    if (!json.ok) return refuse(400, `bad request: ${json.reason}`);
    const result = updateSchema.safeParse(json.value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where =
        issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.map(String).join('.')}`;
      return refuse(400, `bad request: invalid update${where}`);
    }
    const update = result.data;
    const message = toBotMessage(update, { botId, receivedAt: clock.now() });
    const context = {
      updateId: String(update.update_id),
      ...(message === undefined ? {} : { chatId: message.chatId }),
    };
    return runWithContext(context, async () => {
      for (const intercept of interceptors) {
        if (await intercept(update)) return { status: 200, body: 'ok' };
      }
      if (message === undefined) return { status: 200, body: 'ignored' };
      const ack = await bot.handle(message);
      return { status: ackStatus(ack), body: ack.status };
    });
  };

  const safely = async (parts: RequestParts): Promise<Outcome> => {
    try {
      return await process(parts);
    } catch (error) {
      // Not bad input: the bot (or a store behind it) failed. 503 makes Telegram redeliver.
      logger.error({ err: error }, 'telegram webhook could not hand the update over');
      return { status: 503, body: 'unavailable' };
    }
  };

  return {
    async fetch(request: Request, info?: { remoteAddress?: string }): Promise<Response> {
      const headers = request.headers;
      const outcome = await safely({
        method: request.method,
        secret: headers.get('x-telegram-bot-api-secret-token'),
        remoteAddress: info?.remoteAddress,
        forwardedFor: headers.get('x-forwarded-for'),
        contentLength: headers.get('content-length'),
        readBody: (maxBytes) => readCappedStream(request.body, maxBytes),
      });
      return new Response(outcome.body, {
        status: outcome.status,
        headers: { 'content-type': 'text/plain' },
      });
    },
    listener(request: IncomingMessage, response: ServerResponse): void {
      const secret = request.headers['x-telegram-bot-api-secret-token'];
      const forwardedFor = request.headers['x-forwarded-for'];
      void safely({
        method: request.method ?? 'GET',
        secret: typeof secret === 'string' ? secret : null,
        remoteAddress: request.socket.remoteAddress,
        forwardedFor: typeof forwardedFor === 'string' ? forwardedFor : null,
        contentLength: request.headers['content-length'] ?? null,
        readBody: (maxBytes) => readCapped(request, maxBytes),
      }).then((outcome) => {
        // A body we did not read fully must not poison the next request on this connection.
        const isComplete = request.readableEnded;
        response.writeHead(outcome.status, {
          'content-type': 'text/plain',
          'content-length': Buffer.byteLength(outcome.body),
          ...(isComplete ? {} : { connection: 'close' }),
        });
        response.end(outcome.body);
        if (!isComplete) request.resume();
      });
    },
  };
}

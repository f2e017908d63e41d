import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { systemClock } from '@botkeel/core';
import { checkParseMode } from './parse-mode-check.js';
import {
  type FaultRule,
  type SimulatedFile,
  type SimulatedMessage,
  type SimulatorCall,
  type TelegramSimulator,
  type TelegramSimulatorOptions,
} from './simulator-types.js';

type Params = Record<string, unknown>;
type Answer = { status: number; body: Record<string, unknown> };

const ok = (result: unknown): Answer => ({ status: 200, body: { ok: true, result } });
const fail = (errorCode: number, description: string, parameters?: Record<string, unknown>): Answer => ({
  status: errorCode,
  body: {
    ok: false,
    error_code: errorCode,
    description,
    ...(parameters === undefined ? {} : { parameters }),
  },
});

async function readParams(request: IncomingMessage, url: URL): Promise<Params> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const params: Params = Object.fromEntries(url.searchParams);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return params;
  if ((request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(text)) };
  }
  try {
    const body = JSON.parse(text) as unknown;
    return typeof body === 'object' && body !== null ? { ...params, ...(body as Params) } : params;
  } catch {
    return params;
  }
}

/**
 * Starts a local Bot API on 127.0.0.1 (a random port) for tests: it answers like Telegram
 * (`ok`/`result`, `error_code`/`description`/`parameters.retry_after`), records every call, checks
 * text limits and `parse_mode` markup like the real API, injects 429/5xx/parse/403 faults and dropped
 * connections by rule, serves `getFile` downloads, queues updates for `getUpdates`, and posts updates
 * to a webhook with the secret header.
 *
 * @example
 * ```ts
 * const telegram = await startTelegramSimulator();
 * const client = createTelegramClient({ token: telegram.token, apiRoot: telegram.apiRoot });
 * telegram.inject({ method: 'sendMessage', answer: { errorCode: 429, description: 'Too Many Requests: retry after 3', retryAfterSeconds: 3 } });
 * await client.sendMessage('42', 'hello');
 * expect(telegram.messages('42')).toHaveLength(1);
 * await telegram.close();
 * ```
 */
export async function startTelegramSimulator(
  options: TelegramSimulatorOptions = {},
): Promise<TelegramSimulator> {
  const token = options.token ?? '123456:TEST_simulator_token_0123456789abcdef';
  const clock = options.clock ?? systemClock;
  const maxLongPollMs = options.maxLongPollMs ?? 1_000;
  const calls: SimulatorCall[] = [];
  const messages: SimulatedMessage[] = [];
  const faults: { rule: FaultRule; remaining: number }[] = [];
  const blocked = new Set<string>();
  const files = new Map<string, SimulatedFile & { path: string }>();
  const updates: Record<string, unknown>[] = [];
  const pollers = new Set<() => void>();
  let nextMessageId = 1;
  let nextUpdateId = 1;
  let nextTopicId = 100;
  let webhook: { url: string; secretToken?: string } | undefined;

  const chatOf = (params: Params): string | undefined => {
    const chatId = params['chat_id'];
    return typeof chatId === 'string' || typeof chatId === 'number' ? String(chatId) : undefined;
  };

  const matchFault = (method: string, params: Params): FaultRule['answer'] | undefined => {
    for (const fault of faults) {
      if (fault.remaining <= 0) continue;
      if (fault.rule.method !== undefined && fault.rule.method !== method) continue;
      if (fault.rule.chatId !== undefined && fault.rule.chatId !== chatOf(params)) continue;
      fault.remaining -= 1;
      return fault.rule.answer;
    }
    return undefined;
  };

  const checkText = (text: unknown, parseMode: unknown): Answer | undefined => {
    if (typeof text !== 'string' || text.trim() === '')
      return fail(400, 'Bad Request: message text is empty');
    if (text.length > 4_096) return fail(400, 'Bad Request: message is too long');
    if (typeof parseMode === 'string') {
      const problem = checkParseMode(text, parseMode);
      if (problem !== undefined) return fail(400, problem);
    }
    return undefined;
  };

  const accept = (chatId: string, params: Params, text: string): SimulatedMessage => {
    const message: SimulatedMessage = {
      chatId,
      messageId: nextMessageId++,
      text,
      ...(Array.isArray(params['entities']) ? { entities: params['entities'] as unknown[] } : {}),
      ...(typeof params['parse_mode'] === 'string' ? { parseMode: params['parse_mode'] } : {}),
      ...(typeof params['message_thread_id'] === 'number'
        ? { messageThreadId: params['message_thread_id'] }
        : {}),
      ...(params['reply_markup'] === undefined ? {} : { replyMarkup: params['reply_markup'] }),
      at: clock.now(),
    };
    messages.push(message);
    return message;
  };

  const asResult = (message: SimulatedMessage) => ({
    message_id: message.messageId,
    date: Math.floor(message.at / 1_000),
    chat: { id: Number(message.chatId), type: message.chatId.startsWith('-') ? 'supergroup' : 'private' },
    text: message.text,
  });

  const takeUpdates = (params: Params): Record<string, unknown>[] => {
    const offset = Number(params['offset'] ?? 0);
    // Confirming an offset forgets every update below it, like Telegram.
    while (updates.length > 0 && Number(updates[0]?.['update_id']) < offset) updates.shift();
    const limit = Math.min(100, Math.max(1, Number(params['limit'] ?? 100)));
    return updates.slice(0, limit);
  };

  const handlers: Record<string, (params: Params) => Answer | Promise<Answer>> = {
    getMe: () =>
      ok({
        id: Number(token.split(':')[0]),
        is_bot: true,
        first_name: 'Simulated bot',
        username: 'simulated_bot',
      }),
    sendMessage: (params) => {
      const chatId = chatOf(params);
      if (chatId === undefined) return fail(400, 'Bad Request: chat not found');
      if (blocked.has(chatId)) return fail(403, 'Forbidden: bot was blocked by the user');
      const problem = checkText(params['text'], params['parse_mode']);
      if (problem !== undefined) return problem;
      return ok(asResult(accept(chatId, params, params['text'] as string)));
    },
    sendPhoto: (params) => {
      const chatId = chatOf(params);
      if (chatId === undefined) return fail(400, 'Bad Request: chat not found');
      if (blocked.has(chatId)) return fail(403, 'Forbidden: bot was blocked by the user');
      return ok(
        asResult(accept(chatId, params, typeof params['caption'] === 'string' ? params['caption'] : '')),
      );
    },
    editMessageText: (params) => {
      const chatId = chatOf(params);
      const index = messages.findIndex(
        (message) => message.chatId === chatId && message.messageId === Number(params['message_id']),
      );
      const existing = messages[index];
      if (existing === undefined) return fail(400, 'Bad Request: message to edit not found');
      const problem = checkText(params['text'], params['parse_mode']);
      if (problem !== undefined) return problem;
      if (existing.text === params['text']) {
        return fail(
          400,
          'Bad Request: message is not modified: specified new message content and reply markup are exactly the same',
        );
      }
      const edited = { ...existing, text: params['text'] as string, at: clock.now() };
      messages[index] = edited;
      return ok(asResult(edited));
    },
    sendChatAction: () => ok(true),
    answerCallbackQuery: (params) =>
      typeof params['callback_query_id'] === 'string' ? ok(true) : fail(400, 'Bad Request: query is too old'),
    getFile: (params) => {
      const file = files.get(String(params['file_id']));
      if (file === undefined) return fail(400, 'Bad Request: invalid file_id');
      return ok({
        file_id: params['file_id'],
        file_unique_id: `u-${String(params['file_id'])}`,
        file_size: file.bytes.byteLength,
        file_path: file.path,
      });
    },
    setWebhook: (params) => {
      webhook = {
        url: String(params['url']),
        ...(typeof params['secret_token'] === 'string' ? { secretToken: params['secret_token'] } : {}),
      };
      return ok(true);
    },
    deleteWebhook: () => {
      webhook = undefined;
      return ok(true);
    },
    createForumTopic: (params) =>
      ok({ message_thread_id: nextTopicId++, name: params['name'], icon_color: 7_322_096 }),
    getUpdates: async (params) => {
      if (webhook !== undefined)
        return fail(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        );
      let batch = takeUpdates(params);
      const waitMs = Math.min(maxLongPollMs, Number(params['timeout'] ?? 0) * 1_000);
      if (batch.length === 0 && waitMs > 0) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            pollers.delete(done);
            systemClock.clearTimeout(timer);
            resolve();
          };
          const timer = systemClock.setTimeout(done, waitMs, { unref: true });
          pollers.add(done);
        });
        batch = takeUpdates(params);
      }
      return ok(batch);
    },
  };

  const respond = (response: ServerResponse, answer: Answer): void => {
    const body = JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  };

  const serveFile = (response: ServerResponse, path: string): void => {
    const file = [...files.values()].find((candidate) => candidate.path === path);
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.byteLength });
    response.end(file.bytes);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const filePrefix = `/file/bot${token}/`;
    if (url.pathname.startsWith(filePrefix)) {
      serveFile(response, decodeURIComponent(url.pathname.slice(filePrefix.length)));
      return;
    }
    const route = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const params = await readParams(request, url);
    const method = route?.[2] ?? '';
    const record = (status: number): void => {
      calls.push({ method, params, at: clock.now(), status });
    };
    if (route === null || route[1] !== token) {
      record(route === null ? 404 : 401);
      respond(response, fail(route === null ? 404 : 401, route === null ? 'Not Found' : 'Unauthorized'));
      return;
    }
    const fault = matchFault(method, params);
    if (fault === 'network') {
      record(0);
      request.socket.destroy();
      return;
    }
    if (fault !== undefined) {
      record(fault.errorCode);
      const parameters = {
        ...(fault.retryAfterSeconds === undefined ? {} : { retry_after: fault.retryAfterSeconds }),
        ...(fault.migrateToChatId === undefined ? {} : { migrate_to_chat_id: fault.migrateToChatId }),
      };
      respond(
        response,
        fail(
          fault.errorCode,
          fault.description,
          Object.keys(parameters).length === 0 ? undefined : parameters,
        ),
      );
      return;
    }
    const handler = handlers[method];
    const answer = handler === undefined ? fail(404, 'Not Found: method not found') : await handler(params);
    record(answer.status);
    respond(response, answer);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) respond(response, fail(500, 'Internal Server Error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    calls,
    messages: (chatId) => messages.filter((message) => chatId === undefined || message.chatId === chatId),
    callsOf: (method) => calls.filter((call) => call.method === method),
    inject: (rule) => faults.push({ rule, remaining: rule.times ?? 1 }),
    clearFaults: () => {
      faults.length = 0;
    },
    blockChat: (chatId) => blocked.add(chatId),
    addFile(fileId, file) {
      const path = `files/${fileId}`;
      files.set(fileId, { ...file, path });
      return path;
    },
    enqueueUpdate(update) {
      const updateId = typeof update['update_id'] === 'number' ? update['update_id'] : nextUpdateId;
      nextUpdateId = Math.max(nextUpdateId, updateId + 1);
      updates.push({ ...update, update_id: updateId });
      for (const wake of [...pollers]) wake();
      return updateId;
    },
    async postUpdate(url, update, secretToken) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secretToken },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      return response.status;
    },
    webhook: () => webhook,
    close: () =>
      new Promise<void>((resolve) => {
        for (const wake of [...pollers]) wake();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

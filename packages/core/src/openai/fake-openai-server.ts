import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';

/** One scripted answer of the fake server. */
export type FakeOpenAIStep =
  | {
      reply: string;
      /** Waits this long before answering (the client may time out and abort meanwhile). */
      delayMs?: number;
      /** The `model` field of the answer. Default: the requested model. */
      model?: string;
      usage?: { promptTokens: number; completionTokens: number };
      /** For `stream: true`: the deltas. Default: one per word. */
      chunks?: string[];
      /** For `stream: true`: waits this long between chunks. */
      chunkDelayMs?: number;
      /** For `stream: true`: destroys the connection after this many chunks. */
      breakAfterChunks?: number;
      /** `finish_reason` of the answer. Default `'stop'`. */
      finishReason?: 'stop' | 'length' | 'content_filter';
    }
  | {
      /** Answers this HTTP status with an OpenAI error body. */
      status: number;
      /** Sets `retry-after` (seconds, rounded up). */
      retryAfterMs?: number;
      /** Sets `retry-after-ms` too. */
      sendRetryAfterMs?: boolean;
      delayMs?: number;
    }
  /** Answers 200 with a body that is not JSON. */
  | { malformed: true }
  /** Never answers; the connection stays open until the client closes it. */
  | { hang: true }
  /** Destroys the connection without an answer (a connection reset). */
  | { reset: true };

/** One request the fake server received. */
export interface FakeOpenAIRequest {
  method: string;
  path: string;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: Record<string, unknown> | undefined;
  /** The `authorization` header with the key masked to its last 4 characters. */
  authorization: string | undefined;
  /** When it arrived, by the server's clock. */
  receivedAtMs: number;
  /** True when the client closed the connection before the answer was complete. */
  wasAborted: boolean;
}

/** Options of {@link startFakeOpenAI}. */
export interface FakeOpenAIOptions {
  /** Steps in request order (the last one repeats), or a rule per request (0-based index). */
  script?: FakeOpenAIStep[] | ((request: FakeOpenAIRequest, index: number) => FakeOpenAIStep);
  /** Drives the delays. Default: the system clock. */
  clock?: Clock;
}

/** A running fake OpenAI-compatible server. */
export interface FakeOpenAIServer {
  /** The base URL to give the client, e.g. `http://127.0.0.1:41234/v1`. */
  readonly baseURL: string;
  /** Every request, in arrival order. */
  readonly requests: readonly FakeOpenAIRequest[];
  /** How many requests the client aborted (closed before the answer completed). */
  readonly abortCount: number;
  /** Replaces the script (the request count keeps going). */
  setScript(script: FakeOpenAIStep[] | ((request: FakeOpenAIRequest, index: number) => FakeOpenAIStep)): void;
  /** Resolves once `count` requests have been aborted by the client. */
  waitForAborts(count: number): Promise<void>;
  /** Stops the server and closes open connections. */
  close(): Promise<void>;
}

function maskAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.length <= 4 ? '****' : `****${header.slice(-4)}`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function completionBody(step: Extract<FakeOpenAIStep, { reply: string }>, model: string, id: string): object {
  const usage = step.usage ?? { promptTokens: 12, completionTokens: step.reply.length };
  return {
    id,
    object: 'chat.completion',
    created: 0,
    model: step.model ?? model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: step.reply },
        finish_reason: step.finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
    },
  };
}

/**
 * Starts a node:http server on 127.0.0.1 (random port) that speaks enough of the OpenAI API —
 * `POST /v1/chat/completions`, plain and `stream: true` server-sent events — for the real `openai`
 * client to be tested over real HTTP, with scripted faults: any status (429 with `retry-after`,
 * 500, …), slow answers, hangs, connection resets, malformed JSON, broken streams. It logs every
 * request and whether the client aborted it (closed the connection early).
 *
 * @example
 * ```ts
 * const server = await startFakeOpenAI({ script: [{ status: 429, retryAfterMs: 1_000 }, { reply: 'Hi!' }] });
 * const provider = openAiProvider({ baseURL: server.baseURL, apiKey: 'test', model: 'gpt-test' });
 * // … assertions on server.requests …
 * await server.close();
 * ```
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
  const clock = options.clock ?? systemClock;
  let script = options.script ?? [{ reply: 'Hello from the fake OpenAI server' }];
  const requests: FakeOpenAIRequest[] = [];
  const abortWaiters: { count: number; resolve: () => void }[] = [];
  let abortCount = 0;

  const noteAbort = (record: FakeOpenAIRequest): void => {
    if (record.wasAborted) return;
    record.wasAborted = true;
    abortCount += 1;
    for (const waiter of abortWaiters.splice(0)) {
      if (abortCount >= waiter.count) waiter.resolve();
      else abortWaiters.push(waiter);
    }
  };

  const wait = (delayMs: number | undefined, response: ServerResponse): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      if (delayMs === undefined || delayMs <= 0) {
        resolve(!response.destroyed);
        return;
      }
      const onClose = (): void => {
        clock.clearTimeout(timer);
        resolve(false);
      };
      const timer = clock.setTimeout(() => {
        response.off('close', onClose);
        resolve(!response.destroyed);
      }, delayMs);
      response.once('close', onClose);
    });

  const stepFor = (record: FakeOpenAIRequest, index: number): FakeOpenAIStep => {
    if (typeof script === 'function') return script(record, index);
    return script[Math.min(index, script.length - 1)] ?? { reply: '' };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const text = await readBody(request);
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const record: FakeOpenAIRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      body,
      authorization: maskAuthorization(request.headers.authorization),
      receivedAtMs: clock.now(),
      wasAborted: false,
    };
    const index = requests.length;
    requests.push(record);
    let isClosedByServer = false;
    response.on('close', () => {
      if (!response.writableFinished && !isClosedByServer) noteAbort(record);
    });
    if (record.method !== 'POST' || !record.path.startsWith('/v1/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { message: 'Not found', type: 'invalid_request_error', code: null } }),
      );
      return;
    }
    const step = stepFor(record, index);
    const model = typeof body?.model === 'string' ? body.model : 'fake-model';
    if ('hang' in step) return;
    if ('reset' in step) {
      isClosedByServer = true;
      response.destroy();
      return;
    }
    if ('malformed' in step) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"id": "chatcmpl-broken", "choices": [');
      return;
    }
    if ('status' in step) {
      if (!(await wait(step.delayMs, response))) return;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (step.retryAfterMs !== undefined) {
        headers['retry-after'] = String(Math.ceil(step.retryAfterMs / 1_000));
        if (step.sendRetryAfterMs === true) headers['retry-after-ms'] = String(step.retryAfterMs);
      }
      response.writeHead(step.status, headers);
      response.end(
        JSON.stringify({ error: { message: `Fake error ${step.status}`, type: 'fake_error', code: null } }),
      );
      return;
    }
    if (!(await wait(step.delayMs, response))) return;
    const id = `chatcmpl-fake-${index}`;
    if (body?.stream !== true) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(completionBody(step, model, id)));
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const chunks = step.chunks ?? step.reply.split(/(?<= )/);
    const event = (delta: object, finishReason: string | null, usage?: object): string =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created: 0,
        model: step.model ?? model,
        choices: finishReason === 'usage' ? [] : [{ index: 0, delta, finish_reason: finishReason }],
        ...(usage === undefined ? {} : { usage }),
      })}\n\n`;
    const send = (data: string): Promise<void> =>
      new Promise<void>((resolve) => {
        response.write(data, () => resolve());
      });
    await send(event({ role: 'assistant', content: '' }, null));
    for (const [position, chunk] of chunks.entries()) {
      if (step.breakAfterChunks !== undefined && position >= step.breakAfterChunks) {
        isClosedByServer = true;
        response.destroy();
        return;
      }
      if (!(await wait(step.chunkDelayMs, response))) return;
      await send(event({ content: chunk }, null));
    }
    response.write(event({}, step.finishReason ?? 'stop'));
    const usage = step.usage ?? { promptTokens: 12, completionTokens: step.reply.length };
    const includeUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    if (includeUsage) {
      response.write(
        event({}, 'usage', {
          prompt_tokens: usage.promptTokens,
          completion_tokens: usage.completionTokens,
          total_tokens: usage.promptTokens + usage.completionTokens,
        }),
      );
    }
    response.end('data: [DONE]\n\n');
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get abortCount() {
      return abortCount;
    },
    setScript(next) {
      script = next;
    },
    waitForAborts(count: number): Promise<void> {
      if (abortCount >= count) return Promise.resolve();
      return new Promise<void>((resolve) => abortWaiters.push({ count, resolve }));
    },
    close(): Promise<void> {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Ack, type BotMessage, type Clock, newTraceId, runWithContext } from '@botkeel/core';
import { z } from 'zod';
import { playgroundPage } from './playground-page.js';
import { type PlaygroundChannel } from './playground-channel.js';
import { type FaultSwitches, faultLabels, isFaultName } from './faults/fault-switches.js';
import { type FunnelChart } from './funnel-chart.js';
import { type TraceCollector } from './trace/trace-collector.js';

const maxBodyBytes = 16 * 1024;
const chatIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const incomingSchema = z.object({
  text: z.string().min(1).max(4096),
  userName: z.string().max(64).optional(),
  locale: z.enum(['uk', 'ru', 'en']).optional(),
});
const faultSchema = z.object({ name: z.string().max(64), isOn: z.boolean() });

/** What the playground needs from a bot: the same entry point a webhook uses. */
export interface PlaygroundBot {
  handle(message: BotMessage): Promise<Ack>;
}

/** Options of {@link createPlaygroundServer}. */
export interface PlaygroundServerOptions {
  readonly bot: PlaygroundBot;
  readonly channel: PlaygroundChannel;
  readonly clock: Clock;
  /** The funnel's chart, served at `/api/funnel` with `providers`. */
  readonly funnel?: FunnelChart;
  /** The model providers in order of preference, named as the trace names them. */
  readonly providers?: readonly string[];
  /** The chat's current top-level funnel state, served at `/api/chats/:id/state`. */
  readonly stateOf?: (chatId: string) => Promise<string | undefined>;
  /** The live trace, served at `/api/chats/:id/traces`. */
  readonly traces?: TraceCollector;
  /** The fault switches, read and flipped at `/api/faults`. */
  readonly faults?: FaultSwitches;
  /** Extra routes (health, readiness, metrics), tried before the playground's own. */
  readonly routes?: Readonly<Record<string, (response: ServerResponse) => Promise<void> | void>>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new HttpProblem(413, 'body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))) as unknown;
  } catch {
    throw new HttpProblem(400, 'body is not valid UTF-8 JSON');
  }
}

/**
 * The local playground: a chat page at `/` and a small JSON API that feeds messages to
 * `bot.handle` exactly as the Telegram webhook does, and reads the bot's replies back.
 */
export function createPlaygroundServer(options: PlaygroundServerOptions): Server {
  let messageSequence = 0;

  const handleMessage = async (request: IncomingMessage, response: ServerResponse, chatId: string) => {
    const parsed = incomingSchema.safeParse(await readJson(request));
    if (!parsed.success) throw new HttpProblem(400, parsed.error.issues[0]?.message ?? 'invalid message');
    messageSequence += 1;
    const message: BotMessage = {
      channel: 'playground',
      chatId,
      userId: chatId,
      messageId: String(messageSequence),
      updateKey: `playground:${chatId}:${messageSequence}`,
      text: parsed.data.text,
      attachments: [],
      receivedAt: options.clock.now(),
      ...(parsed.data.locale === undefined ? {} : { locale: parsed.data.locale }),
      ...(parsed.data.userName === undefined ? {} : { senderName: parsed.data.userName }),
    };
    // The update's trace id comes back with the ack, so the page can find this message's trace.
    const traceId = newTraceId();
    const ack = await runWithContext({ traceId }, () => options.bot.handle(message));
    sendJson(response, ack.status === 'unavailable' ? 503 : 202, { ...ack, traceId });
  };

  const handleFaults = async (request: IncomingMessage, response: ServerResponse) => {
    const faults = options.faults;
    if (faults === undefined) throw new HttpProblem(404, 'no fault switches');
    if (request.method === 'POST') {
      const parsed = faultSchema.safeParse(await readJson(request));
      if (!parsed.success || !isFaultName(parsed.data.name))
        throw new HttpProblem(400, 'invalid fault switch');
      faults.set(parsed.data.name, parsed.data.isOn);
    } else if (request.method !== 'GET') {
      throw new HttpProblem(405, 'method not allowed');
    }
    sendJson(response, 200, { faults: faults.snapshot(), labels: faultLabels });
  };

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://playground.local');
    const extra = options.routes?.[url.pathname];
    if (extra !== undefined && request.method === 'GET') return extra(response);
    if (url.pathname === '/' && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(playgroundPage);
      return;
    }
    if (url.pathname === '/api/funnel' && request.method === 'GET') {
      return sendJson(response, 200, { chart: options.funnel ?? null, providers: options.providers ?? [] });
    }
    if (url.pathname === '/api/faults') return handleFaults(request, response);
    const match = /^\/api\/chats\/([^/]+)\/(messages|replies|state|traces)$/.exec(url.pathname);
    const chatId = match?.[1];
    if (match === null || chatId === undefined) throw new HttpProblem(404, 'not found');
    if (!chatIdPattern.test(chatId)) throw new HttpProblem(400, 'invalid chat id');
    if (match[2] === 'messages' && request.method === 'POST') return handleMessage(request, response, chatId);
    if (match[2] === 'replies' && request.method === 'GET') {
      const after = Number(url.searchParams.get('after') ?? '0');
      if (!Number.isSafeInteger(after) || after < 0) throw new HttpProblem(400, 'invalid after');
      return sendJson(response, 200, { replies: options.channel.repliesAfter(chatId, after) });
    }
    if (match[2] === 'state' && request.method === 'GET') {
      return sendJson(response, 200, { state: (await options.stateOf?.(chatId)) ?? null });
    }
    if (match[2] === 'traces' && request.method === 'GET') {
      return sendJson(response, 200, { traces: options.traces?.tracesOf(chatId) ?? [] });
    }
    throw new HttpProblem(405, 'method not allowed');
  };

  return createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.end();
      if (error instanceof HttpProblem) return sendJson(response, error.status, { error: error.message });
      sendJson(response, 500, { error: 'internal error' });
    });
  });
}

/**
 * Telegram webhook requests/s end to end on node:http: Botkeel's createTelegramWebhook (secret
 * check, capped read, strict UTF-8, safe JSON, zod updateSchema, toBotMessage, a bot.handle that
 * claims the update in a MemoryDedupeStore) against grammY's webhookCallback(bot, 'http') with the
 * same secret and an equivalent handler (the same MemoryDedupeStore claim in a middleware). autocannon
 * on loopback, fresh update ids per request, alternating rounds, best round kept. Goal: ≥ 1.0×.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx telegram-webhook.bench.ts
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo } from 'node:net';
import { MemoryDedupeStore } from '@botkeel/core';
import { createTelegramWebhook } from '@botkeel/adapter-telegram';
import { Bot, webhookCallback } from 'grammy';

/** The part of autocannon's API this benchmark uses (the package ships no types). */
interface AutocannonRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: (AutocannonRequest & { setupRequest: (request: AutocannonRequest) => AutocannonRequest })[];
}) => Promise<{
  requests: { average: number; total: number };
  latency: { p99: number };
  errors: number;
  non2xx: number;
}>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const secretToken = 'bench_secret_token';
const botInfo = {
  id: 123456,
  is_bot: true as const,
  first_name: 'Bench',
  username: 'bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
const durationSeconds = 4;
const rounds = 3;
const connections = 32;

const bodyFor = (updateId: number): string =>
  JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_700_000_000,
      chat: { id: 42, type: 'private', first_name: 'Ann' },
      from: { id: 42, is_bot: false, first_name: 'Ann', language_code: 'en' },
      text: 'Hi! Do you have this jacket in M?',
    },
  });

function botkeelListener(): RequestListener {
  const dedupe = new MemoryDedupeStore();
  const webhook = createTelegramWebhook({
    botId: String(botInfo.id),
    secretToken,
    bot: {
      handle: async (message) => {
        const claim = await dedupe.claim(message.updateKey, { leaseMs: 30_000 });
        return { status: claim === 'claimed' ? 'accepted' : 'duplicate' };
      },
    },
  });
  return webhook.listener;
}

function grammyListener(): RequestListener {
  const dedupe = new MemoryDedupeStore();
  const bot = new Bot('123456:bench-token-not-used-for-any-call', { botInfo });
  bot.use(async (context, next) => {
    await dedupe.claim(`tg:${botInfo.id}:${context.update.update_id}`, { leaseMs: 30_000 });
    await next();
  });
  bot.on('message', () => undefined);
  const callback = webhookCallback(bot, 'http', { secretToken });
  return (request, response) => {
    void callback(request, response);
  };
}

async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

let nextUpdateId = 1;
async function measure(url: string): Promise<{
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  cpuUsPerRequest: number;
}> {
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secretToken },
        setupRequest: (request) => ({ ...request, body: bodyFor((nextUpdateId += 1)) }),
      },
    ],
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, result.requests.total),
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

const contenders = {
  'Botkeel createTelegramWebhook': botkeelListener(),
  "grammY webhookCallback(bot, 'http')": grammyListener(),
};
const servers = await Promise.all(
  Object.entries(contenders).map(async ([name, listener]) => ({ name, ...(await listen(listener)) })),
);
type Measurement = Awaited<ReturnType<typeof measure>>;
const best = new Map<string, Measurement>();
const leastCpu = new Map<string, number>();
for (const { url } of servers) await measure(url).catch(() => undefined); // warm up both
for (let round = 0; round < rounds; round += 1) {
  for (const { name, url } of servers) {
    global.gc?.();
    const result = await measure(url);
    if (result.errors > 0 || result.non2xx > 0) {
      throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
    }
    const previous = best.get(name);
    if (previous === undefined || result.requestsPerSecond > previous.requestsPerSecond)
      best.set(name, result);
    leastCpu.set(name, Math.min(leastCpu.get(name) ?? Number.POSITIVE_INFINITY, result.cpuUsPerRequest));
  }
}
for (const { server } of servers) server.close();

const oursName = 'Botkeel createTelegramWebhook';
const theirsName = "grammY webhookCallback(bot, 'http')";
console.log(
  `\nWebhook, ${connections} connections, ${durationSeconds} s rounds, best of ${rounds}, node ${process.version}\n`,
);
console.log(
  '| server | requests/s (best round) | p99 latency (ms) | CPU µs per request (least; server + autocannon) |',
);
console.log('| --- | ---: | ---: | ---: |');
for (const name of [oursName, theirsName]) {
  const result = best.get(name)!;
  console.log(
    `| ${name} | ${Math.round(result.requestsPerSecond)} | ${result.p99Ms} | ${Math.round(leastCpu.get(name)!)} |`,
  );
}
const throughputRatio = best.get(oursName)!.requestsPerSecond / best.get(theirsName)!.requestsPerSecond;
const cpuRatio = leastCpu.get(theirsName)! / leastCpu.get(oursName)!;
console.log(
  `\nRatio (Botkeel / grammY): ${throughputRatio.toFixed(2)}× requests/s, ${cpuRatio.toFixed(2)}× requests per CPU second`,
);

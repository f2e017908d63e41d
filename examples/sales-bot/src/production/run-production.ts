import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  type Bot,
  type Clock,
  type HandoffStateStore,
  type LlmRouter,
  type Logger,
  MemoryRateLimitStore,
  createSafeFetch,
} from '@botkeel/core';
import {
  createTelegramClient,
  createTelegramHandoff,
  createTelegramWebhook,
} from '@botkeel/adapter-telegram';
import { PostgresCheckpointStore, createPool, migrate } from '@botkeel/store-postgres';
import {
  RedisBreakerStateStore,
  RedisDebounceStore,
  RedisDedupeStore,
  RedisFloodControl,
  RedisHandoffStateStore,
  RedisIdempotencyStore,
  RedisLock,
  RedisRateLimitStore,
  redisClientOptions,
} from '@botkeel/store-redis';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { metrics } from '@opentelemetry/api';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { loadCatalogue } from '../catalogue/catalogue.js';
import { type Config } from '../config.js';
import { modelProviders } from '../llm/model-providers.js';
import { createPostgresOrderRepository, migrateOrders } from '../orders/postgres-order-repository.js';
import { createShopBot } from '../shop-bot.js';
import { writeReadiness } from './health.js';
import { createUnreachableChats } from './unreachable-chats.js';

const photoWords = z.object({ productWords: z.string().max(200) });

/** What a running production bot exposes (for tests and the signal handlers). */
export interface ProductionBot {
  readonly url: string;
  readonly server: Server;
  readonly stop: () => Promise<void>;
}

/**
 * Production mode: the Telegram webhook on node:http, Redis for everything shared between
 * instances (dedupe, rate limits, debouncing, locks, idempotency, breaker state, flood control,
 * chats that blocked the bot),
 * Postgres for checkpoints and orders (migrations applied at start under an advisory lock),
 * `/healthz`, `/readyz` and `/metrics` (Prometheus text). Nothing correct depends on which
 * instance an update reaches.
 */
export async function runProduction(config: Config, clock: Clock, logger: Logger): Promise<ProductionBot> {
  const token = required(config.TELEGRAM_BOT_TOKEN);
  const namespace = config.STORE_NAMESPACE;
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(meterProvider);

  const redis = new Redis(required(config.REDIS_URL), { ...redisClientOptions(), lazyConnect: true });
  await redis.connect();
  const pool = await createPool({
    connectionString: required(config.DATABASE_URL),
    applicationName: 'botkeel-sales-bot',
    logger,
  });
  await migrate(pool, { schema: namespace, logger });
  await migrateOrders(pool, namespace);

  const keyPrefix = namespace;
  const idempotency = new RedisIdempotencyStore({ client: redis, keyPrefix });
  const catalogue = loadCatalogue();
  const download = createSafeFetch({ maxBytes: 10 * 1024 * 1024, allowedContentTypes: ['image/*'], clock });
  // A customer who blocked the bot gets nothing more (no retried turns, no repeated 403s) until they write again.
  const unreachable = createUnreachableChats({ client: redis, keyPrefix, logger, clock });
  const telegram = createTelegramClient({
    token,
    ...(config.TELEGRAM_API_ROOT === undefined ? {} : { apiRoot: config.TELEGRAM_API_ROOT }),
    flood: new RedisFloodControl({ client: redis, keyPrefix, clock }),
    idempotency,
    download,
    onChatUnreachable: (chatId, description) => unreachable.mark(chatId, description),
    logger,
    clock,
  });
  // Built after the handoff and the photo step that use them (both run only after this function returns).
  const late: { router?: LlmRouter; bot?: Bot } = {};
  // A manager's /release (on any instance) also gives the conversation back to the bot.
  const handoffState = new RedisHandoffStateStore({ client: redis, keyPrefix });
  const state: HandoffStateStore = {
    get: (chatId) => handoffState.get(chatId),
    set: (chatId, value) => handoffState.set(chatId, value),
    delete: async (chatId) => {
      await handoffState.delete(chatId);
      await late.bot?.release(chatId);
    },
  };
  const handoff = createTelegramHandoff({
    state,
    client: telegram,
    managersChatId: required(config.TELEGRAM_MANAGERS_CHAT_ID),
    logger,
    clock,
  });

  const { bot, router: shopRouter } = createShopBot({
    catalogue,
    channel: unreachable.channel(telegram),
    stores: {
      dedupe: new RedisDedupeStore({ client: redis, keyPrefix }),
      // Redis decides; if it is down, each instance keeps its share of the limit in memory.
      rateLimits: [
        new RedisRateLimitStore({ client: redis, keyPrefix }),
        { store: new MemoryRateLimitStore({ clock }), limitDivisor: config.INSTANCES },
      ],
      debounce: new RedisDebounceStore({ client: redis, keyPrefix }),
      checkpoints: new PostgresCheckpointStore({ pool, schema: namespace }),
      idempotency,
      locks: new RedisLock({ client: redis, keyPrefix }),
      breakerState: new RedisBreakerStateStore({ client: redis, keyPrefix }),
    },
    providers: modelProviders(config, clock),
    orders: createPostgresOrderRepository(pool, namespace),
    defaultLanguage: config.SHOP_LANGUAGE,
    handoff,
    recognizePhoto: async (fileId, language, signal) => {
      const file = await telegram.downloadFile(fileId, { signal });
      const dataUrl = `data:${file.contentType};base64,${Buffer.from(file.bytes).toString('base64')}`;
      const answer = await (late.router as LlmRouter).complete(
        {
          messages: [
            {
              role: 'system',
              content:
                'Name the clothing item in the photo in two or three words (kind and colour). Answer as JSON.',
            },
            { role: 'user', content: [{ type: 'image', url: dataUrl, detail: 'low' }] },
          ],
          schema: photoWords,
          schemaName: 'photo',
          maxTokens: 50,
          language,
        },
        { signal },
      );
      return answer.output?.productWords;
    },
    clock,
    logger,
  });
  late.router = shopRouter;
  late.bot = bot;

  const webhook = createTelegramWebhook({
    bot,
    botId: token.split(':')[0] ?? '',
    secretToken: required(config.TELEGRAM_WEBHOOK_SECRET),
    interceptors: [unreachable.interceptor, handoff.interceptor],
    logger,
    clock,
  });
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === config.PUBLIC_WEBHOOK_PATH) return void webhook.listener(request, response);
    if (path === '/healthz') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (path === '/readyz') return void writeReadiness(response, { bot, pool, redis, router: shopRouter });
    if (path === '/metrics') return exporter.getMetricsRequestHandler(request, response);
    response.writeHead(404).end();
  });
  server.listen(config.PORT, config.HOST);
  await once(server, 'listening');

  // Closed in reverse order after the bot drained: HTTP first, then Postgres, Redis and metrics.
  bot.register('metrics', () => meterProvider.shutdown(), { timeoutMs: 1_000 });
  bot.register('redis', async () => void (await redis.quit()), { timeoutMs: 2_000 });
  bot.register('postgres', (signal) => pool.close(signal), { timeoutMs: 3_000 });
  bot.register('http', () => new Promise<void>((resolve) => server.close(() => resolve())), {
    timeoutMs: 3_000,
  });
  bot.start();
  const { port } = server.address() as AddressInfo;
  logger.info({ port, namespace }, 'production bot listening');
  return {
    url: `http://${config.HOST}:${port}`,
    server,
    stop: async () => {
      const report = await bot.stop({ deadlineMs: 9_000 });
      logger.info(
        { closed: report.closed, timedOut: report.timedOut, elapsedMs: report.elapsedMs },
        'stopped',
      );
    },
  };
}

function required(value: string | undefined): string {
  // readConfig has already refused a production config without these.
  if (value === undefined) throw new Error('missing production setting');
  return value;
}

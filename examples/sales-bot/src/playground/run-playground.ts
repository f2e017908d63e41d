import { once } from 'node:events';
import { type AddressInfo } from 'node:net';
import { createTelegramClient } from '@botkeel/adapter-telegram';
import { type Clock, type LlmProvider, type Logger, MemoryRateLimitStore } from '@botkeel/core';
import { loadCatalogue } from '../catalogue/catalogue.js';
import { type Config } from '../config.js';
import { modelProviders } from '../llm/model-providers.js';
import { createOfflineShopProvider } from '../llm/offline-shop-provider.js';
import { createMemoryOrderRepository } from '../orders/order-repository.js';
import { createShopBot, memoryShopStores } from '../shop-bot.js';
import { withProviderFaults } from './faults/fault-injecting-provider.js';
import { withRateLimitStoreFaults } from './faults/fault-injecting-rate-limit-store.js';
import { createFaultSwitches } from './faults/fault-switches.js';
import { createPlaygroundBotApi } from './faults/playground-bot-api.js';
import { funnelChartOf, topLevelStateOf } from './funnel-chart.js';
import { createPlaygroundChannel } from './playground-channel.js';
import { createPlaygroundHandoff } from './playground-handoff.js';
import { createPlaygroundServer } from './playground-server.js';
import { installTracing } from './trace/install-tracing.js';
import { createTraceCollector } from './trace/trace-collector.js';

/** Tuning of {@link runPlayground} for tests; the defaults suit a person watching. */
export interface PlaygroundTuning {
  /** How long the "slow provider" switch makes the primary wait. Default 10,000 (past the 8 s hedge). */
  readonly slowProviderMs?: number;
  /** The `retry_after` of the "Telegram 429" switch, in seconds. Default 1. */
  readonly retryAfterSeconds?: number;
}

/** The names of the two offline demo providers (used without `OPENAI_API_KEY`). */
export const offlineDemoProviders = ['offline-demo-primary', 'offline-demo-fallback'] as const;

/**
 * The embedded default: the whole bot on memory stores, served with a chat page, the funnel's chart,
 * a live trace per message and fault switches. Uses OpenAI when `OPENAI_API_KEY` is set (the offline
 * demo provider stays as the last fallback), else two offline demo providers.
 */
export async function runPlayground(
  config: Config,
  clock: Clock,
  logger: Logger,
  tuning: PlaygroundTuning = {},
) {
  const catalogue = loadCatalogue();
  const faults = createFaultSwitches();
  const outbox = createPlaygroundChannel();
  const botApi = createPlaygroundBotApi({
    outbox,
    isThrottled: () => faults.isOn('telegram429'),
    ...(tuning.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: tuning.retryAfterSeconds }),
  });
  // The real Telegram send path (flood control, 429 retries, idempotency) over an in-process Bot API.
  const channel = createTelegramClient({
    token: '1:playground-demo',
    apiRoot: 'http://bot-api.playground.invalid',
    fetch: botApi.fetch,
    clock,
    logger,
  });

  const online = modelProviders(config, clock);
  const offline =
    online.length > 0
      ? [createOfflineShopProvider(catalogue, 'offline-demo')]
      : offlineDemoProviders.map((name) => createOfflineShopProvider(catalogue, name));
  const [primary, ...rest] = [...online, ...offline] as [LlmProvider, ...LlmProvider[]];
  const slowProviderMs = tuning.slowProviderMs ?? 10_000;
  const providers = [
    withProviderFaults(primary, {
      isFailing: () => faults.isOn('primaryLlmFailing'),
      delayMs: () => (faults.isOn('slowProvider') ? slowProviderMs : 0),
      clock,
    }),
    ...rest,
  ];

  // "Redis" is an in-memory stand-in here; the switch takes it down and the local store decides.
  const stores = {
    ...memoryShopStores(clock),
    rateLimits: [
      withRateLimitStoreFaults(new MemoryRateLimitStore({ clock }), {
        name: 'redis-demo',
        isDown: () => faults.isOn('redisDown'),
      }),
      new MemoryRateLimitStore({ clock, name: 'local-memory' }),
    ],
  };

  let describeBreakers = (): string => '';
  const traces = createTraceCollector({
    annotate: (spanName) =>
      spanName === 'botkeel.llm.complete' ? { 'playground.breakers': describeBreakers() } : undefined,
  });
  const uninstallTracing = installTracing(traces.processor);

  const { bot, router, machine } = createShopBot({
    catalogue,
    channel,
    stores,
    providers,
    orders: createMemoryOrderRepository(),
    defaultLanguage: config.SHOP_LANGUAGE,
    handoff: createPlaygroundHandoff(outbox),
    clock,
    logger,
  });
  describeBreakers = () =>
    [...router.breakers].map(([name, breaker]) => `${name}: ${breaker.state}`).join(', ');

  const providerNames = providers.map((provider) => provider.name);
  const server = createPlaygroundServer({
    bot,
    channel: outbox,
    clock,
    funnel: funnelChartOf(machine),
    providers: providerNames,
    stateOf: async (chatId) => {
      const checkpoint = await stores.checkpoints.load(chatId);
      return topLevelStateOf((checkpoint?.snapshot as { value?: unknown } | undefined)?.value);
    },
    traces,
    faults,
  });
  server.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  bot.register('tracing', () => uninstallTracing());
  bot.register('http', () => new Promise<void>((resolve) => server.close(() => resolve())));
  bot.start();
  logger.info(
    { providers: providerNames, isOfflineDemo: online.length === 0 },
    online.length === 0
      ? 'playground: offline demo providers (no OPENAI_API_KEY)'
      : 'playground: OpenAI providers, offline demo provider last',
  );
  const { port } = server.address() as AddressInfo;
  return { bot, server, faults, providers: providerNames, url: `http://${config.HOST}:${port}/` };
}

import {
  type Bot,
  MemoryCheckpointStore,
  MemoryDebounceStore,
  MemoryDedupeStore,
  MemoryIdempotencyStore,
  MemoryLockStore,
  MemoryRateLimitStore,
  type BreakerStateStore,
  type Channel,
  type CheckpointStore,
  type Clock,
  type DebounceStore,
  type DedupeStore,
  type Handoff,
  type IdempotencyStore,
  type LlmProvider,
  type LockStore,
  type Logger,
  type RateLimitChainLink,
  type RateLimitStore,
  type Sanitizer,
  createBot,
  createConversation,
  createLlmRouter,
  createRateLimiter,
  createSanitizer,
} from '@botkeel/core';
import { type Catalogue, type Language } from './catalogue/catalogue.js';
import { type SalesMachine, createSalesMachine, salesMachineVersion } from './funnel/sales-machine.js';
import { wantsManager } from './funnel/intents.js';
import { type SalesServices } from './funnel/sales-types.js';
import { detectLanguage } from './i18n/detect-language.js';
import { replies, reply } from './i18n/replies.js';
import { buildShopRequest } from './llm/shop-prompt.js';
import { type OrderRepository } from './orders/order-repository.js';

/** The stores the bot runs on: memory in the playground, Redis and Postgres in production. */
export interface ShopStores {
  dedupe: DedupeStore;
  rateLimits: readonly (RateLimitStore | RateLimitChainLink)[];
  debounce: DebounceStore;
  checkpoints: CheckpointStore;
  idempotency: IdempotencyStore;
  locks: LockStore;
  breakerState?: BreakerStateStore;
}

/** The embedded default: every store in this process's memory (one instance, no infrastructure). */
export function memoryShopStores(clock: Clock): ShopStores {
  return {
    dedupe: new MemoryDedupeStore({ clock }),
    rateLimits: [new MemoryRateLimitStore({ clock })],
    debounce: new MemoryDebounceStore(),
    checkpoints: new MemoryCheckpointStore(),
    idempotency: new MemoryIdempotencyStore({ clock }),
    locks: new MemoryLockStore({ clock }),
  };
}

/** Everything the shop bot is assembled from. */
export interface ShopBotOptions {
  catalogue: Catalogue;
  channel: Channel;
  stores: ShopStores;
  /** Model providers in order of preference. */
  providers: LlmProvider[];
  orders: OrderRepository;
  defaultLanguage: Language;
  handoff?: Handoff;
  /** Product words for a customer's photo, when the channel can fetch photos. */
  recognizePhoto?: SalesServices['recognizePhoto'];
  clock: Clock;
  logger: Logger;
}

// The sanitizer neutralizes role tags and delimiters in every message, and blocks the clearest attacks outright.
function shopSanitizer(): Sanitizer {
  const neutralizer = createSanitizer({ policy: 'neutralize', maxLength: 4_000 });
  const blockAt = 0.9;
  const harden = <T extends ReturnType<Sanitizer['sanitize']>>(result: T): T =>
    result.score >= blockAt ? { ...result, text: '', isBlocked: true } : result;
  return {
    sanitize: (text) => harden(neutralizer.sanitize(text)),
    sanitizeAsync: async (text, options) => harden(await neutralizer.sanitizeAsync(text, options)),
  };
}

const languageField = (language: Language | undefined) => (language === undefined ? {} : { language });

/** Assembles the shop's bot from Botkeel's public API. */
export function createShopBot(options: ShopBotOptions): {
  bot: Bot;
  router: ReturnType<typeof createLlmRouter>;
  /** The funnel the bot runs (the playground draws its chart from it). */
  machine: SalesMachine;
} {
  const { catalogue, clock, logger, stores } = options;
  const router = createLlmRouter({
    providers: options.providers,
    retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 4_000, maxRetryAfterMs: 20_000 },
    breaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
    ...(stores.breakerState === undefined ? {} : { store: stores.breakerState }),
    attemptTimeoutMs: 30_000,
    deadlineMs: 60_000,
    hedgeAfterMs: 8_000,
    fallback: { replies: replies.unavailable, defaultLanguage: options.defaultLanguage },
    clock,
    logger,
  });
  const services: SalesServices = {
    answer: async (request, signal) =>
      (await router.complete(buildShopRequest(request, catalogue), { signal })).text,
    recognizePhoto: options.recognizePhoto ?? (() => Promise.resolve(undefined)),
    placeOrder: (order, signal) => options.orders.place(order, signal),
  };
  const machine = createSalesMachine(catalogue, services);
  const conversation = createConversation({
    machine,
    checkpoints: stores.checkpoints,
    machineVersion: salesMachineVersion,
    historyLimit: 10,
    clock,
    settleTimeoutMs: 90_000,
    input: (chatId) => ({ chatId, language: options.defaultLanguage, nowMs: clock.now() }),
  });
  const localeLanguage = (locale: string | undefined): Language | undefined =>
    locale === 'ru' || locale === 'en' || locale === 'uk' ? locale : undefined;
  const languageOf = (text: string, locale: string | undefined): Language =>
    detectLanguage(text) ?? localeLanguage(locale) ?? options.defaultLanguage;

  const bot = createBot({
    channel: options.channel,
    conversation,
    toEvents: (batch) => {
      const first = batch.messages[0];
      if (wantsManager(batch.text)) return [{ type: 'ESCALATE', reason: 'customer-asked' }];
      const photo = batch.messages
        .flatMap((message) => message.attachments)
        .find((item) => item.kind === 'photo');
      return [
        {
          type: 'USER_MESSAGE',
          text: batch.text,
          ...languageField(detectLanguage(batch.text) ?? localeLanguage(first?.locale)),
          nowMs: first?.receivedAt ?? clock.now(),
          ...(photo?.fileId === undefined ? {} : { photoFileId: photo.fileId }),
        },
      ];
    },
    dedupe: stores.dedupe,
    rateLimiter: createRateLimiter({
      rules: [
        { name: 'user', limit: 20, windowMs: 60_000, burst: 8 },
        { name: 'global', limit: 600, windowMs: 60_000 },
      ],
      chain: stores.rateLimits,
      whenAllFail: 'deny',
      clock,
      logger,
    }),
    rateLimitKeys: (message) => ({ user: `${message.channel}:${message.userId}`, global: 'bot' }),
    debounce: { store: stores.debounce, quietMs: 1_500, maxWaitMs: 6_000, maxItems: 10 },
    sanitizer: shopSanitizer(),
    idempotency: stores.idempotency,
    locks: stores.locks,
    ...(options.handoff === undefined ? {} : { handoff: options.handoff }),
    texts: {
      rateLimited: (message) => reply('rateLimited', languageOf(message.text, message.locale)),
      blocked: (message) => reply('blocked', languageOf(message.text, message.locale)),
    },
    clock,
    logger,
  });
  return { bot, router, machine };
}

import { type Clock } from '../clock/clock.js';
import { type Logger } from '../logger/logger.js';
import { type BreakerStateStore } from '../resilience/breaker-state-store.js';
import { type CircuitBreaker } from '../resilience/circuit-breaker.js';
import { type LlmProvider } from './llm-types.js';

const cooldownSyncIntervalMs = 1_000;

/** One provider of a router, with its breaker and its 429 cooldown (shared through the store). */
export class ProviderSlot {
  readonly provider: LlmProvider;
  readonly breaker: CircuitBreaker | undefined;
  #cooldownUntilMs = 0;
  #nextSyncAtMs = 0;
  #isSyncing = false;
  readonly #clock: Clock;
  readonly #store: BreakerStateStore | undefined;
  readonly #logger: Logger;

  constructor(
    provider: LlmProvider,
    breaker: CircuitBreaker | undefined,
    clock: Clock,
    store: BreakerStateStore | undefined,
    logger: Logger,
  ) {
    this.provider = provider;
    this.breaker = breaker;
    this.#clock = clock;
    this.#store = store;
    this.#logger = logger;
  }

  get name(): string {
    return this.provider.name;
  }

  get cooldownKey(): string {
    return `llm-cooldown:${this.provider.name}`;
  }

  /** When the provider's 429 cooldown ends (0 when none). */
  get cooldownUntilMs(): number {
    this.#maybeSync();
    return this.#cooldownUntilMs;
  }

  /** Puts the provider in cooldown until `untilMs` (keeps a later one), here and in the store. */
  extendCooldown(untilMs: number): void {
    if (untilMs <= this.#cooldownUntilMs) return;
    this.#cooldownUntilMs = untilMs;
    const store = this.#store;
    if (store === undefined) return;
    const ttlMs = Math.max(1, Math.ceil(untilMs - this.#clock.now()) + 1_000);
    store.extendCooldown(this.cooldownKey, untilMs, { ttlMs }).then(
      (stored) => {
        this.#cooldownUntilMs = Math.max(this.#cooldownUntilMs, stored);
      },
      (error: unknown) =>
        this.#logger.warn({ provider: this.name, err: error }, 'llm router: cooldown not shared'),
    );
  }

  /** Reads the shared cooldown now (tests and warm-up); the router also does it in the background. */
  async syncCooldown(signal?: AbortSignal): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    this.#nextSyncAtMs = this.#clock.now() + cooldownSyncIntervalMs;
    this.#isSyncing = true;
    try {
      const untilMs = await store.readCooldown(this.cooldownKey, { signal });
      this.#cooldownUntilMs = Math.max(this.#cooldownUntilMs, untilMs);
    } catch (error) {
      this.#logger.warn({ provider: this.name, err: error }, 'llm router: shared cooldown unreadable');
    } finally {
      this.#isSyncing = false;
    }
  }

  #maybeSync(): void {
    if (this.#store === undefined || this.#isSyncing || this.#clock.now() < this.#nextSyncAtMs) return;
    void this.syncCooldown();
  }
}

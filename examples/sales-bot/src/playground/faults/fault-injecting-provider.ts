import { AbortedError, type Clock, type LlmProvider, ProviderError } from '@botkeel/core';

/** Options of {@link withProviderFaults}. */
export interface ProviderFaultOptions {
  /** Asked on every call: true makes the call fail with a retryable server fault. */
  readonly isFailing: () => boolean;
  /** Asked on every call: how long to wait before answering (0 for no wait). */
  readonly delayMs: () => number;
  readonly clock: Clock;
}

/** Waits `ms` on `clock`; rejects with `AbortedError` as soon as `signal` aborts. */
function wait(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError('the provider call was aborted'));
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(new AbortedError('the provider call was aborted'));
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Wraps a real provider so the playground's switches can slow it down or make it fail, the way an
 * outage would: the router's retries, breaker, hedge and fallback then act on real failures.
 */
export function withProviderFaults(provider: LlmProvider, options: ProviderFaultOptions): LlmProvider {
  return {
    name: provider.name,
    async complete(request, signal) {
      const delayMs = options.delayMs();
      if (delayMs > 0) await wait(options.clock, delayMs, signal);
      if (options.isFailing()) {
        throw new ProviderError('server', `${provider.name}: injected fault (playground switch)`, {
          provider: provider.name,
          status: 503,
        });
      }
      return provider.complete(request, signal);
    },
  };
}

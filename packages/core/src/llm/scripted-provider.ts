import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { AbortedError } from '../errors/subclasses.js';
import { ProviderError } from '../resilience/provider-error.js';
import {
  type LlmCompletion,
  type LlmProvider,
  type LlmRequest,
  type LlmStreamChunk,
  type LlmUsage,
} from './llm-types.js';

/** One scripted answer: a reply (optionally slow, optionally streamed in chunks) or a fault. */
export type ScriptStep =
  | {
      reply: string;
      /** Waits this long (on the provider's clock) before answering. */
      delayMs?: number;
      usage?: LlmUsage;
      /** How `stream` splits the reply. Default: one chunk per word. */
      chunks?: string[];
      /** With `stream`: fails with a server fault after this many chunks. */
      breakAfterChunks?: number;
    }
  | {
      fault:
        | 'rate-limit'
        | 'server'
        | 'bad-request'
        | 'authentication'
        | 'content-filter'
        | 'connection'
        | 'malformed-response';
      /** For `rate-limit`: the retry-after hint. */
      retryAfterMs?: number;
      /** Waits this long before failing. */
      delayMs?: number;
    }
  /** Never answers; rejects with `ABORTED` when the call's signal aborts. */
  | { fault: 'hang' }
  /** Answers text that is not JSON (for structured output). */
  | { fault: 'malformed-json'; delayMs?: number };

/** One call a scripted provider received. */
export interface ScriptedCall {
  request: LlmRequest;
  /** `complete` or `stream`. */
  method: 'complete' | 'stream';
  /** When it started, by the provider's clock. */
  startedAtMs: number;
  /** True once the call's signal aborted before it settled. */
  wasAborted: boolean;
}

/** Options of {@link createScriptedProvider}. */
export interface ScriptedProviderOptions {
  /** Default `'scripted'`. */
  name?: string;
  /** The model reported in completions. Default `'scripted-1'`. */
  model?: string;
  /** Steps in call order (the last one repeats), or a rule picking a step per call (0-based index). */
  script: ScriptStep[] | ((request: LlmRequest, callIndex: number) => ScriptStep);
  /** Drives `delayMs`. Default: the system clock. */
  clock?: Clock;
  /** Whether the provider has `stream`. Default true. */
  canStream?: boolean;
}

/** A scripted provider plus what it saw. */
export interface ScriptedProvider extends LlmProvider {
  /** Every call, in order. */
  readonly calls: readonly ScriptedCall[];
}

const faultStatus = {
  'rate-limit': 429,
  server: 500,
  'bad-request': 400,
  authentication: 401,
  'content-filter': 400,
} as const;

function wait(clock: Clock, delayMs: number, signal: AbortSignal, record: ScriptedCall): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      record.wasAborted = true;
      reject(new AbortedError('The scripted call was aborted', { cause: signal.reason }));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    if (delayMs <= 0) {
      resolve();
      return;
    }
    const timer =
      delayMs === Number.POSITIVE_INFINITY
        ? undefined
        : clock.setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          }, delayMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Creates an {@link LlmProvider} that answers from a script — replies, slow replies, 429s with
 * retry-after, 500s, hangs until aborted, malformed JSON — so a bot's LLM handling is tested
 * deterministically (with a manual clock for the delays).
 *
 * @example
 * ```ts
 * const primary = createScriptedProvider({
 *   name: 'primary',
 *   script: [{ fault: 'rate-limit', retryAfterMs: 1_000 }, { reply: 'Hello!' }],
 *   clock,
 * });
 * ```
 */
export function createScriptedProvider(options: ScriptedProviderOptions): ScriptedProvider {
  const name = options.name ?? 'scripted';
  const model = options.model ?? 'scripted-1';
  const clock = options.clock ?? systemClock;
  const calls: ScriptedCall[] = [];
  const script = options.script;

  const stepFor = (request: LlmRequest, index: number): ScriptStep => {
    if (typeof script === 'function') return script(request, index);
    const step = script[Math.min(index, script.length - 1)];
    if (step === undefined) throw new Error('createScriptedProvider: the script is empty');
    return step;
  };

  const begin = (request: LlmRequest, method: 'complete' | 'stream'): [ScriptStep, ScriptedCall] => {
    const record: ScriptedCall = { request, method, startedAtMs: clock.now(), wasAborted: false };
    const step = stepFor(request, calls.length);
    calls.push(record);
    return [step, record];
  };

  const settle = async (
    step: ScriptStep,
    signal: AbortSignal,
    record: ScriptedCall,
  ): Promise<LlmCompletion> => {
    if ('reply' in step) {
      await wait(clock, step.delayMs ?? 0, signal, record);
      return {
        text: step.reply,
        model,
        usage: step.usage ?? { promptTokens: 10, completionTokens: step.reply.length },
      };
    }
    if (step.fault === 'hang') {
      await wait(clock, Number.POSITIVE_INFINITY, signal, record);
      throw new Error('unreachable');
    }
    await wait(clock, step.delayMs ?? 0, signal, record);
    if (step.fault === 'malformed-json')
      return { text: '{"reply": "cut sho', model, usage: { promptTokens: 10, completionTokens: 5 } };
    if (step.fault === 'connection') {
      throw new ProviderError('connection', 'Connection reset by the scripted provider', { provider: name });
    }
    if (step.fault === 'malformed-response') {
      throw new ProviderError('malformed-response', 'The scripted provider sent a broken body', {
        provider: name,
      });
    }
    return Promise.reject(
      new ProviderError(step.fault, `Scripted ${step.fault}`, {
        provider: name,
        status: faultStatus[step.fault],
        ...(step.retryAfterMs === undefined ? {} : { retryAfterMs: step.retryAfterMs }),
      }),
    );
  };

  const provider: ScriptedProvider = {
    name,
    calls,
    complete(request: LlmRequest, signal: AbortSignal): Promise<LlmCompletion> {
      const [step, record] = begin(request, 'complete');
      return settle(step, signal, record);
    },
  };
  if (options.canStream !== false) {
    provider.stream = async function* stream(
      request: LlmRequest,
      signal: AbortSignal,
    ): AsyncGenerator<LlmStreamChunk> {
      const [step, record] = begin(request, 'stream');
      if (!('reply' in step)) {
        const completion = await settle(step, signal, record);
        yield { text: completion.text, model };
        return;
      }
      await wait(clock, step.delayMs ?? 0, signal, record);
      const chunks = step.chunks ?? step.reply.split(/(?<= )/);
      for (const [index, chunk] of chunks.entries()) {
        if (step.breakAfterChunks !== undefined && index >= step.breakAfterChunks) {
          throw new ProviderError('server', 'The scripted stream broke', { provider: name, status: 500 });
        }
        if (signal.aborted) {
          record.wasAborted = true;
          throw new AbortedError('The scripted stream was aborted', { cause: signal.reason });
        }
        yield { text: chunk, model };
      }
      yield { model, usage: step.usage ?? { promptTokens: 10, completionTokens: step.reply.length } };
    };
  }
  return provider;
}

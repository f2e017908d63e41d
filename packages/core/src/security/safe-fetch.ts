import { type LookupAddress } from 'node:dns';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError, TimeoutError } from '../errors/subclasses.js';
import { type LookupFunction, type ResolvedAddress, resolveSafeTarget } from './resolve-safe-target.js';

/** Options of {@link createSafeFetch}. */
export interface SafeFetchOptions {
  /** DNS resolution. Default: `dns.promises.lookup` with `all: true`. */
  lookup?: LookupFunction;
  /** The largest body accepted, in bytes. Default 10 MiB. */
  maxBytes?: number;
  /** The whole fetch, redirects included. Default 15 000. */
  timeoutMs?: number;
  /** Redirects followed, each re-validated. Default 3. */
  maxRedirects?: number;
  /** Accepted `content-type`s; `type/*` wildcards allowed. Default `['image/*']`. */
  allowedContentTypes?: readonly string[];
  /** Ports that may be reached. Default `[80, 443]`. */
  allowedPorts?: readonly number[];
  /** The explicit escape hatch for tests and intranets: addresses for which this is true are allowed. */
  allowAddress?: (ip: string) => boolean;
  clock?: Clock;
}

/** What {@link SafeFetch} returns. */
export interface SafeFetchResult {
  readonly bytes: Uint8Array;
  /** The response's content type without parameters, lower case. */
  readonly contentType: string;
  /** The URL the body came from, after redirects. */
  readonly finalUrl: string;
}

/** Fetches a URL through the SSRF checks; see {@link createSafeFetch}. */
export type SafeFetch = (url: string | URL, options?: { signal?: AbortSignal }) => Promise<SafeFetchResult>;

const optionsSchema = z.object({
  lookup: z.function().optional(),
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  timeoutMs: z.number().positive().default(15_000),
  maxRedirects: z.number().int().min(0).max(10).default(3),
  allowedContentTypes: z
    .array(z.string().regex(/^[a-z0-9.+-]+\/(\*|[a-z0-9.+-]+)$/))
    .min(1)
    .default(['image/*']),
  allowedPorts: z.array(z.number().int().min(1).max(65_535)).min(1).default([80, 443]),
  allowAddress: z.function().optional(),
  clock: z.custom<Clock>().optional(),
});

function isAllowedType(contentType: string, allowed: readonly string[]): boolean {
  const [type] = contentType.split('/');
  return allowed.some((pattern) => pattern === contentType || pattern === `${type}/*`);
}

// An agent that connects only to the address that passed the check, whatever DNS says later
// (no rebinding between the check and the connect). TLS still verifies the certificate by host name.
function pinnedAgent(pinned: ResolvedAddress): Agent {
  return new Agent({
    connections: 1,
    pipelining: 0,
    connect: {
      lookup: (
        _hostname: string,
        lookupOptions: { all?: boolean },
        callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
      ) => {
        if (lookupOptions.all === true) callback(null, [{ address: pinned.address, family: pinned.family }]);
        else callback(null, pinned.address, pinned.family);
      },
    },
  });
}

/**
 * Creates a fetcher for untrusted URLs (pasted image links, files from a platform): every hop is
 * checked with {@link resolveSafeTarget}, the connection goes only to the checked address, redirects
 * are followed by hand and re-checked, and the body is capped in size, time and content type.
 *
 * @throws BotkeelError `SSRF_BLOCKED`, `PAYLOAD_TOO_LARGE`, `UNSUPPORTED_CONTENT_TYPE`, `TIMEOUT`,
 *   `ABORTED`, or `PROVIDER_ERROR` for a non-2xx answer.
 * @example
 * ```ts
 * const safeFetch = createSafeFetch({ maxBytes: 5 * 1024 * 1024 });
 * const { bytes, contentType } = await safeFetch('https://cdn.example.com/shirt.jpg');
 * ```
 */
export function createSafeFetch(options: SafeFetchOptions = {}): SafeFetch {
  const parsed = parseOptions('createSafeFetch', optionsSchema, options);
  const clock = options.clock ?? systemClock;
  const targetOptions = {
    allowedPorts: parsed.allowedPorts,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    ...(options.allowAddress === undefined ? {} : { allowAddress: options.allowAddress }),
  };

  const fetchHop = async (url: URL, signal: AbortSignal) => {
    const target = await resolveSafeTarget(url, targetOptions);
    const pinned = target.addresses[0];
    if (pinned === undefined) throw new BotkeelError('SSRF_BLOCKED', 'Blocked URL: no address');
    const agent = pinnedAgent(pinned);
    try {
      const response = await request(target.url, {
        dispatcher: agent,
        method: 'GET',
        signal,
        headers: { accept: parsed.allowedContentTypes.join(', ') },
      });
      return { response, agent };
    } catch (error) {
      await agent.destroy();
      throw error;
    }
  };

  const readBody = async (body: AsyncIterable<Uint8Array>, declaredLength: number): Promise<Uint8Array> => {
    if (declaredLength > parsed.maxBytes) throw tooLarge();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > parsed.maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  };
  const tooLarge = () =>
    new BotkeelError('PAYLOAD_TOO_LARGE', `Response body exceeds ${parsed.maxBytes} bytes`, {
      retryable: false,
    });

  const run = async (input: string | URL, signal: AbortSignal): Promise<SafeFetchResult> => {
    let url = typeof input === 'string' ? new URL(input) : input;
    for (let hop = 0; ; hop++) {
      const { response, agent } = await fetchHop(url, signal);
      try {
        const location = response.headers['location'];
        if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
          await response.body.dump();
          if (hop >= parsed.maxRedirects) {
            throw new BotkeelError('SSRF_BLOCKED', `Blocked URL: more than ${parsed.maxRedirects} redirects`);
          }
          url = new URL(location, url);
          continue;
        }
        if (response.statusCode < 200 || response.statusCode >= 300) {
          await response.body.dump();
          throw new BotkeelError('PROVIDER_ERROR', `Fetch answered HTTP ${response.statusCode}`, {
            retryable: response.statusCode >= 500 || response.statusCode === 429,
          });
        }
        const header = response.headers['content-type'];
        const contentType =
          (typeof header === 'string' ? header : '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (!isAllowedType(contentType, parsed.allowedContentTypes)) {
          await response.body.dump();
          throw new BotkeelError('UNSUPPORTED_CONTENT_TYPE', `Content type "${contentType}" is not allowed`, {
            retryable: false,
          });
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        const bytes = await readBody(response.body, Number.isFinite(declared) ? declared : 0);
        return { bytes, contentType, finalUrl: url.href };
      } finally {
        await agent.destroy();
      }
    }
  };

  return async (input, callOptions = {}) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, parsed.timeoutMs);
    const onAbort = () => controller.abort();
    callOptions.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (callOptions.signal?.aborted === true) throw new AbortedError();
      return await run(input, controller.signal);
    } catch (error) {
      if (timedOut) throw new TimeoutError(`Fetch took longer than ${parsed.timeoutMs} ms`, parsed.timeoutMs);
      if (callOptions.signal?.aborted === true) throw new AbortedError('Fetch was aborted', { cause: error });
      if (BotkeelError.isInstance(error)) throw error;
      if (error instanceof TypeError && /Invalid URL/i.test(error.message)) {
        throw new BotkeelError('SSRF_BLOCKED', 'Blocked URL: not a valid absolute URL', { retryable: false });
      }
      throw new BotkeelError('PROVIDER_ERROR', 'Fetch failed', { cause: error });
    } finally {
      clock.clearTimeout(timer);
      callOptions.signal?.removeEventListener('abort', onAbort);
    }
  };
}

import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { BotkeelError } from '../errors/botkeel-error.js';
import { isPublicAddress } from './is-public-address.js';

/** One resolved address of a host. */
export interface ResolvedAddress {
  readonly address: string;
  /** 4 or 6. */
  readonly family: number;
}

/** Resolves a host name to all its addresses (the shape of `dns.promises.lookup(host, { all: true })`). */
export type LookupFunction = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** Options of {@link resolveSafeTarget}. */
export interface SafeTargetOptions {
  /** DNS resolution. Default: `dns.promises.lookup` with `all: true`. */
  lookup?: LookupFunction;
  /** Ports that may be reached. Default `[80, 443]`. */
  allowedPorts?: readonly number[];
  /** Protocols that may be used, with the colon. Default `['http:', 'https:']`. */
  allowedProtocols?: readonly string[];
  /** The explicit escape hatch: an address for which this returns true is allowed even if not public. */
  allowAddress?: (ip: string) => boolean;
}

/** A URL that passed the SSRF checks, with the addresses it may be reached at. */
export interface SafeTarget {
  readonly url: URL;
  /** The host name without IPv6 brackets. */
  readonly hostname: string;
  readonly port: number;
  /** Every address the host resolved to; all of them passed the check. */
  readonly addresses: readonly ResolvedAddress[];
}

const defaultLookup: LookupFunction = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function blocked(reason: string): BotkeelError {
  return new BotkeelError('SSRF_BLOCKED', `Blocked URL: ${reason}`, { retryable: false });
}

/**
 * Checks that `input` may be fetched without reaching an internal service: parses it as a WHATWG URL
 * (so `127.1`, decimal, octal and hex IPv4 forms are normalized), allows only the given protocols
 * and ports, refuses userinfo, resolves the host and requires every address to be public. It never
 * connects; connect only to one of the returned `addresses` (`createSafeFetch` does).
 *
 * @throws BotkeelError `SSRF_BLOCKED` naming the reason.
 * @example
 * ```ts
 * const target = await resolveSafeTarget('https://cdn.example.com/shirt.jpg');
 * target.addresses; // [{ address: '93.184.216.34', family: 4 }]
 * ```
 */
export async function resolveSafeTarget(
  input: string | URL,
  options: SafeTargetOptions = {},
): Promise<SafeTarget> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw blocked('not a valid absolute URL');
  }
  const allowedProtocols = options.allowedProtocols ?? ['http:', 'https:'];
  if (!allowedProtocols.includes(url.protocol)) throw blocked(`protocol ${url.protocol} is not allowed`);
  if (url.username !== '' || url.password !== '') throw blocked('credentials in URLs are not allowed');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (!(options.allowedPorts ?? [80, 443]).includes(port)) throw blocked(`port ${port} is not allowed`);

  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (hostname === '') throw blocked('no host');
  let addresses: readonly ResolvedAddress[];
  const literalFamily = isIP(hostname);
  if (literalFamily !== 0) {
    addresses = [{ address: hostname, family: literalFamily }];
  } else {
    try {
      addresses = await (options.lookup ?? defaultLookup)(hostname);
    } catch {
      throw blocked(`host ${hostname} does not resolve`);
    }
  }
  if (addresses.length === 0) throw blocked(`host ${hostname} does not resolve`);
  const allowAddress = options.allowAddress ?? (() => false);
  for (const { address } of addresses) {
    if (!isPublicAddress(address) && !allowAddress(address)) {
      throw blocked(`host ${hostname} resolves to a non-public address`);
    }
  }
  return { url, hostname, port, addresses };
}

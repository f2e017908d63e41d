import ipaddr from 'ipaddr.js';

/**
 * The ranges Telegram sends webhooks from, as published in the Bot API documentation
 * ("Marvin's Marvellous Guide to All Things Webhook").
 *
 * @example
 * ```ts
 * createTelegramWebhook({ bot, botId, secretToken, allowedSourceRanges: telegramWebhookSourceRanges });
 * ```
 */
export const telegramWebhookSourceRanges: readonly string[] = Object.freeze([
  '149.154.160.0/20',
  '91.108.4.0/22',
]);

/** A compiled allow-list of CIDR ranges. */
export interface SourceRangeMatcher {
  /** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) is inside one of the ranges. */
  matches(address: string | undefined): boolean;
}

/**
 * Compiles CIDR ranges once (with `ipaddr.js`); throws on an invalid range so a typo fails at startup.
 *
 * @example
 * ```ts
 * createSourceRangeMatcher(['149.154.160.0/20']).matches('149.154.167.1'); // true
 * ```
 */
export function createSourceRangeMatcher(ranges: readonly string[]): SourceRangeMatcher {
  const parsed = ranges.map((range) => ipaddr.parseCIDR(range));
  return {
    matches(address: string | undefined): boolean {
      if (address === undefined || !ipaddr.isValid(address)) return false;
      const ip = ipaddr.process(address);
      return parsed.some(([network, bits]) => ip.kind() === network.kind() && ip.match(network, bits));
    },
  };
}

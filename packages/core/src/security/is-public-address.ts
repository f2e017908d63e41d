import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

function fromWords(high: number, low: number): IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function isPublicIPv4(address: IPv4): boolean {
  return address.range() === 'unicast';
}

const globalUnicast = ipaddr.parseCIDR('2000::/3');

// The IPv4 addresses an IPv6 address carries and that would really be reached through it.
function embeddedIPv4(address: IPv6): IPv4[] | undefined {
  const parts = address.parts;
  const word = (index: number) => parts[index] ?? 0;
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return [fromWords(word(6), word(7))];
    case 'rfc6052':
      // 64:ff9b::/96 embeds the IPv4 address in the last 32 bits; the local-use 64:ff9b:1::/48 is never public.
      return word(2) === 0 ? [fromWords(word(6), word(7))] : [new ipaddr.IPv4([0, 0, 0, 0])];
    case '6to4':
      return [fromWords(word(1), word(2))];
    case 'teredo':
      // Teredo: the server's IPv4 in words 2–3, the client's (bit-inverted) in words 6–7.
      return [fromWords(word(2), word(3)), fromWords(word(6) ^ 0xffff, word(7) ^ 0xffff)];
    default:
      // IPv4-compatible (deprecated) ::a.b.c.d
      if (parts.slice(0, 6).every((part) => part === 0)) return [fromWords(word(6), word(7))];
      return undefined;
  }
}

function isPublicIPv6(address: IPv6): boolean {
  const embedded = embeddedIPv4(address);
  if (embedded !== undefined) return embedded.every(isPublicIPv4);
  return address.range() === 'unicast' && address.match(globalUnicast);
}

/**
 * True only for a globally routable unicast address. Rejects loopback, private, link-local,
 * CGNAT (100.64/10), multicast, broadcast, reserved, unspecified, benchmarking, documentation,
 * unique-local and site-local ranges, and IPv6 forms that carry a non-public IPv4 address
 * (IPv4-mapped/compatible, NAT64 64:ff9b::/96, 6to4, Teredo). Anything that does not parse as an
 * IP address is not public.
 *
 * @param ip - An IPv4 or IPv6 address as text (e.g. what DNS answered).
 * @example
 * ```ts
 * isPublicAddress('93.184.216.34'); // true
 * isPublicAddress('::ffff:127.0.0.1'); // false
 * ```
 */
export function isPublicAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(text)) return false;
  const address = ipaddr.parse(text);
  return address.kind() === 'ipv4' ? isPublicIPv4(address as IPv4) : isPublicIPv6(address as IPv6);
}

import { BotkeelError, resolveSafeTarget, type LookupFunction } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

const publicLookup: LookupFunction = () => Promise.resolve([{ address: '93.184.216.34', family: 4 }]);

async function blockedReason(url: string, lookup: LookupFunction = publicLookup): Promise<string> {
  try {
    await resolveSafeTarget(url, { lookup });
  } catch (error) {
    expect(BotkeelError.hasCode(error, 'SSRF_BLOCKED')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`${url} was not blocked`);
}

describe('resolveSafeTarget', () => {
  it('returns the URL and every checked address of a public host', async () => {
    const lookup: LookupFunction = () =>
      Promise.resolve([
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ]);
    const target = await resolveSafeTarget('https://cdn.example.com/a.jpg', { lookup });
    expect(target).toMatchObject({ hostname: 'cdn.example.com', port: 443 });
    expect(target.addresses).toHaveLength(2);
  });

  it.each([
    ['short IPv4', 'http://127.1/'],
    ['decimal IPv4', 'http://2130706433/'],
    ['octal IPv4', 'http://0177.0.0.1/'],
    ['hex IPv4', 'http://0x7f.0x0.0x0.0x1/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['zero address', 'http://0.0.0.0/'],
  ])('blocks %s without a DNS query', async (_name, url) => {
    let lookups = 0;
    const reason = await blockedReason(url, () => {
      lookups++;
      return publicLookup('');
    });
    expect(reason).toContain('non-public');
    expect(lookups).toBe(0);
  });

  it.each([
    ['userinfo', 'http://user:pass@cdn.example.com/', 'credentials'],
    ['userinfo trick', 'http://cdn.example.com@127.0.0.1/', 'credentials'],
    ['non-http scheme', 'file:///etc/passwd', 'protocol'],
    ['gopher', 'gopher://cdn.example.com/', 'protocol'],
    ['other port', 'http://cdn.example.com:6379/', 'port 6379'],
    ['not a URL', 'cdn.example.com/a.jpg', 'not a valid'],
  ])('blocks %s', async (_name, url, reason) => {
    expect(await blockedReason(url)).toContain(reason);
  });

  it('blocks a host that resolves to a private address, trailing dot or not', async () => {
    const lookup: LookupFunction = () => Promise.resolve([{ address: '10.0.0.5', family: 4 }]);
    expect(await blockedReason('http://internal.example.com./', lookup)).toContain('non-public');
    expect(await blockedReason('http://localhost/', lookup)).toContain('non-public');
  });

  it('blocks when any answer is private, even after a public one', async () => {
    const lookup: LookupFunction = () =>
      Promise.resolve([
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ]);
    expect(await blockedReason('https://rebind.example.com/', lookup)).toContain('non-public');
  });

  it('blocks hosts that do not resolve', async () => {
    expect(await blockedReason('https://nowhere.example/', () => Promise.resolve([]))).toContain('resolve');
    expect(
      await blockedReason('https://nowhere.example/', () => Promise.reject(new Error('ENOTFOUND'))),
    ).toContain('resolve');
  });

  it('lets the escape hatch allow a named address', async () => {
    const target = await resolveSafeTarget('http://127.0.0.1/', { allowAddress: (ip) => ip === '127.0.0.1' });
    expect(target.addresses).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});

import { isPublicAddress } from '@botkeel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const blocked = [
  ['loopback', '127.0.0.1'],
  ['loopback, other', '127.255.0.9'],
  ['private 10/8', '10.1.2.3'],
  ['private 172.16/12', '172.31.255.255'],
  ['private 192.168/16', '192.168.0.1'],
  ['link-local / cloud metadata', '169.254.169.254'],
  ['CGNAT', '100.64.0.1'],
  ['multicast', '224.0.0.1'],
  ['broadcast', '255.255.255.255'],
  ['reserved 240/4', '240.0.0.1'],
  ['unspecified', '0.0.0.0'],
  ['this network 0/8', '0.1.2.3'],
  ['benchmarking', '198.18.0.1'],
  ['documentation TEST-NET-1', '192.0.2.1'],
  ['documentation TEST-NET-2', '198.51.100.7'],
  ['documentation TEST-NET-3', '203.0.113.9'],
  ['IPv6 loopback', '::1'],
  ['IPv6 unspecified', '::'],
  ['IPv6 link-local', 'fe80::1'],
  ['IPv6 link-local with zone', 'fe80::1%eth0'],
  ['IPv6 unique-local', 'fd12:3456::1'],
  ['IPv6 site-local', 'fec0::1'],
  ['IPv6 multicast', 'ff02::1'],
  ['IPv6 documentation', '2001:db8::1'],
  ['IPv6 benchmarking', '2001:2::1'],
  ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
  ['IPv4-mapped metadata, hex words', '::ffff:a9fe:a9fe'],
  ['IPv4-compatible loopback', '::127.0.0.1'],
  ['NAT64 of private', '64:ff9b::10.0.0.1'],
  ['NAT64 local-use prefix', '64:ff9b:1::808:808'],
  ['6to4 of loopback', '2002:7f00:1::1'],
  ['6to4 of private', '2002:c0a8:101::1'],
  ['Teredo of a documentation client', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
  ['bracketed IPv6 loopback', '[::1]'],
  ['not an address', 'localhost'],
  ['empty', ''],
] as const;

const allowed = [
  ['public IPv4', '93.184.216.34'],
  ['public DNS', '8.8.8.8'],
  ['public IPv6', '2606:4700:4700::1111'],
  ['IPv4-mapped public', '::ffff:8.8.8.8'],
  ['NAT64 of public', '64:ff9b::8.8.8.8'],
  ['6to4 of public', '2002:808:808::1'],
] as const;

describe('isPublicAddress', () => {
  it.each(blocked)('rejects %s (%s)', (_name, ip) => expect(isPublicAddress(ip)).toBe(false));
  it.each(allowed)('accepts %s (%s)', (_name, ip) => expect(isPublicAddress(ip)).toBe(true));

  it('agrees for every IPv4 address with its IPv4-mapped IPv6 form (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(isPublicAddress(`::ffff:${ip}`)).toBe(isPublicAddress(ip));
      }),
    );
  });

  it('never throws, whatever the text (property)', () => {
    fc.assert(fc.property(fc.string(), (text) => typeof isPublicAddress(text) === 'boolean'));
  });
});

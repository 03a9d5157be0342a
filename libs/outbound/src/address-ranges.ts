import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Why the hub must not connect to `address` (an IPv4 or IPv6 literal), or undefined for a
 * public unicast address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4
 * address they carry. Every special-purpose range that ipaddr.js knows is refused: loopback,
 * private (RFC 1918), unique local (fc00::/7), link-local, CGNAT (100.64.0.0/10), multicast,
 * broadcast, unspecified, documentation and other reserved ranges, and the IPv6 transition
 * prefixes (6to4, Teredo, NAT64), whose embedded IPv4 address could be any of the above.
 */
export function refusedAddressReason(address: string): string | undefined {
  const range = addressRange(address);
  if (range === undefined) return `'${address}' is not an IP address`;
  return range === 'unicast' ? undefined : `${address} is a ${RANGE_NAMES[range] ?? `${range} address`}`;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string): boolean {
  return addressRange(address) === 'loopback';
}

/** The same address in one canonical text form (IPv4-mapped IPv6 as IPv4), to compare addresses. */
export function canonicalAddress(address: string): string | undefined {
  const parsed = parse(address);
  return parsed?.toNormalizedString();
}

function addressRange(address: string): string | undefined {
  return parse(address)?.range();
}

function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!isIP(bare)) return undefined;
  try {
    return ipaddr.process(bare);
  } catch {
    return undefined;
  }
}

const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback address',
  private: 'private address (RFC 1918)',
  uniqueLocal: 'unique local address (fc00::/7)',
  linkLocal: 'link-local address',
  carrierGradeNat: 'shared CGNAT address (100.64.0.0/10)',
  multicast: 'multicast address',
  broadcast: 'broadcast address',
  unspecified: 'unspecified address',
  reserved: 'reserved address',
  benchmarking: 'benchmarking address',
  '6to4': '6to4 address (embeds an IPv4 address)',
  teredo: 'Teredo address (embeds an IPv4 address)',
  rfc6052: 'NAT64 address (embeds an IPv4 address)',
  rfc6145: 'IPv4-translated address',
};

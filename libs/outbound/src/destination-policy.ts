import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { canonicalAddress, isLoopbackAddress, refusedAddressReason } from './address-ranges.js';
import { RefusedDestinationError } from './outbound-errors.js';

export interface DestinationPolicyOptions {
  /** Development: loopback addresses are allowed, and plain http: to them (only to them). */
  allowLoopback: boolean;
  /** Addresses that reach the hub itself (its listen addresses, every address of this machine). */
  ownAddresses: readonly string[];
  /** Names that are the hub itself (its own domain): never a destination. */
  ownNames?: readonly string[];
}

/** Names that always resolve to the machine itself (RFC 6761 §6.3). */
const LOOPBACK_NAME = /(^|\.)localhost\.?$/i;

/**
 * Where the hub may send requests. Checked twice: when a destination is saved or about to be
 * used (`checkUrl`: the URI alone, no DNS), and for every address a name resolves to, when a
 * connection is opened (`checkAddress`), so a name that changes its address later is judged by
 * the address actually dialled.
 */
export class DestinationPolicy {
  private readonly own: Set<string>;
  private readonly ownNames: Set<string>;

  constructor(readonly options: DestinationPolicyOptions) {
    this.own = new Set(options.ownAddresses.map((a) => canonicalAddress(a)).filter((a): a is string => a !== undefined));
    this.ownNames = new Set((options.ownNames ?? []).map((n) => n.toLowerCase().replace(/\.$/, '')));
  }

  /** The URL to call, or a RefusedDestinationError saying why not (no DNS lookup is made). */
  checkUrl(uri: string): URL {
    const refusal = this.urlRefusal(uri);
    if (refusal) throw new RefusedDestinationError(refusal);
    return new URL(uri);
  }

  /** Why `uri` may not be a destination, or undefined when it may (literal addresses and names only: no DNS). */
  urlRefusal(uri: string): string | undefined {
    const url = URL.parse(uri);
    if (!url) return `'${uri}' is not a URL`;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the scheme must be https:, not ${url.protocol}`;
    if (url.username || url.password) return 'the URI carries credentials, which are never sent';
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (!host) return 'the URI has no host';
    const loopbackName = LOOPBACK_NAME.test(host);
    const literal = isIP(host) !== 0;
    if (url.protocol === 'http:') {
      if (!this.options.allowLoopback) return 'the scheme must be https: (http: only to loopback with OUTBOUND_ALLOW_LOOPBACK)';
      if (!loopbackName && !(literal && isLoopbackAddress(host))) return 'http: is allowed to loopback addresses only';
    }
    if (this.ownNames.has(host.toLowerCase().replace(/\.$/, ''))) return `${host} is the hub itself`;
    if (loopbackName && !this.options.allowLoopback) return `${host} is a loopback name`;
    return literal ? this.addressRefusal(host, url.protocol) : undefined;
  }

  /** Throws a RefusedDestinationError unless the hub may connect to `address` with `protocol`. */
  checkAddress(address: string, protocol: string): void {
    const refusal = this.addressRefusal(address, protocol);
    if (refusal) throw new RefusedDestinationError(refusal);
  }

  addressRefusal(address: string, protocol: string): string | undefined {
    const loopback = isLoopbackAddress(address);
    if (loopback && this.options.allowLoopback) return undefined;
    if (protocol !== 'https:') return `${protocol} to ${address} refused: http: is allowed to loopback addresses only`;
    const own = this.own.has(canonicalAddress(address) ?? address);
    return refusedAddressReason(address) ?? (own ? `${address} is an address of the hub itself` : undefined);
  }
}

/** Every address of this machine's interfaces, and the hub's configured listen addresses. */
export function machineAddresses(listenHosts: readonly string[] = []): string[] {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .map((i) => i?.address)
    .filter((a): a is string => typeof a === 'string');
  return [...addresses, ...listenHosts.filter((h) => isIP(h) !== 0)];
}

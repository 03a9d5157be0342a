import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import type { DestinationPolicy } from './destination-policy.js';
import { OutboundTransportError } from './outbound-errors.js';

/** Resolves a host name to its addresses (every one of them is checked before connecting). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

export interface GuardedConnectorOptions {
  policy: DestinationPolicy;
  resolve?: Resolver;
  connectTimeoutMs: number;
  /** extra CAs to trust (tests); unset: the system's */
  ca?: string | string[];
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici connector that makes the SSRF decision at connect time, for every new connection:
 * an address literal is checked before dialling; a name is resolved by the client itself (the
 * `lookup` handed to net/tls.connect) and every address it resolves to is checked, so a name
 * pointing at a refused address — now, or after a DNS change — is never dialled.
 */
export function guardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const resolve = options.resolve ?? systemResolver;
  const base = (protocol: string) =>
    buildConnector({
      timeout: options.connectTimeoutMs,
      // HTTP/1.1 only, as the Agent speaks it
      allowH2: false,
      ...(options.ca ? { ca: options.ca } : {}),
      lookup: checkedLookup(options.policy, resolve, protocol),
    } as buildConnector.BuildOptions);
  const connectors: Record<string, buildConnector.connector> = { 'https:': base('https:'), 'http:': base('http:') };
  return (connect, callback) => {
    const connector = connectors[connect.protocol];
    const host = connect.hostname.startsWith('[') ? connect.hostname.slice(1, -1) : connect.hostname;
    try {
      if (!connector) throw new OutboundTransportError(`unsupported protocol ${connect.protocol}`);
      // net.connect skips `lookup` for an address literal: check it here
      if (isIP(host)) options.policy.checkAddress(host, connect.protocol);
    } catch (error) {
      callback(error as Error, null);
      return;
    }
    connector(connect, callback);
  };
}

function checkedLookup(policy: DestinationPolicy, resolve: Resolver, protocol: string) {
  return (hostname: string, lookupOptions: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    resolve(hostname)
      .then((addresses) => {
        if (addresses.length === 0) throw new OutboundTransportError(`${hostname} has no address`);
        // one refused address refuses the name: the answer may differ at the next lookup
        for (const { address } of addresses) policy.checkAddress(address, protocol);
        const family = Number(lookupOptions.family) || 0;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (usable.length === 0) throw new OutboundTransportError(`${hostname} has no IPv${family} address`);
        if (lookupOptions.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      })
      .catch((error: Error) => callback(error, ''));
  };
}

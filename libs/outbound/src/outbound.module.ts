import { isIP } from 'node:net';
import { DynamicModule, Inject, Injectable, Module, type ModuleMetadata, OnApplicationShutdown, type Type } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DestinationPolicy, machineAddresses } from './destination-policy.js';
import type { SigningKeySource } from './message-signature.js';
import { OutboundClient } from './outbound-client.js';

/** Injection token of the SigningKeySource the client signs with. */
export const OUTBOUND_SIGNING_KEYS = Symbol('OUTBOUND_SIGNING_KEYS');

/** The destination policy of this deployment: OUTBOUND_ALLOW_LOOPBACK, this machine's addresses, the hub's own names. */
export function destinationPolicyFor(config: AppConfig): DestinationPolicy {
  return new DestinationPolicy({
    allowLoopback: config.outbound.allowLoopback,
    ownAddresses: machineAddresses([config.hub.host, config.sip.host]),
    // the public base URL's host when it is a name (an address is judged as an address)
    ownNames: [config.hub.domain, new URL(config.hub.publicBaseUrl).hostname].filter((h) => !isIP(h.replace(/^\[|\]$/g, ''))),
  });
}

/** The process's one OutboundClient, closed (its pooled connections too) when the app shuts down. */
@Injectable()
export class OutboundClientLifecycle implements OnApplicationShutdown {
  constructor(@Inject(OutboundClient) private readonly client: OutboundClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

export interface OutboundModuleOptions {
  /** modules that provide `keySource` */
  imports: ModuleMetadata['imports'];
  /** the provider the client signs with (the hub's key service) */
  keySource: Type<SigningKeySource>;
}

/**
 * Provides the DestinationPolicy (checks at save time) and the OutboundClient, signing with the
 * key source given by the importing domain library (this library sits below the domain
 * libraries and knows no key store).
 */
@Module({})
export class OutboundModule {
  static register(options: OutboundModuleOptions): DynamicModule {
    return {
      module: OutboundModule,
      imports: options.imports,
      providers: [
        { provide: OUTBOUND_SIGNING_KEYS, useExisting: options.keySource },
        { provide: DestinationPolicy, useFactory: destinationPolicyFor, inject: [APP_CONFIG] },
        {
          provide: OutboundClient,
          useFactory: (config: AppConfig, policy: DestinationPolicy, keys: SigningKeySource) =>
            new OutboundClient({
              policy,
              keys,
              userAgent: `pres-im-clearing-house (+${config.hub.publicBaseUrl})`,
              connectTimeoutMs: config.outbound.connectTimeoutMs,
              headersTimeoutMs: config.outbound.headersTimeoutMs,
              bodyTimeoutMs: config.outbound.bodyTimeoutMs,
              maxResponseBytes: config.outbound.maxResponseBytes,
              concurrencyPerDestination: config.outbound.concurrencyPerDestination,
              circuit: config.outbound.circuit,
            }),
          inject: [APP_CONFIG, DestinationPolicy, OUTBOUND_SIGNING_KEYS],
        },
        OutboundClientLifecycle,
      ],
      exports: [DestinationPolicy, OutboundClient],
    };
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { InvalidInputError, normalizeDomain, NotFoundError } from '@app/common';
import { ProvisioningFetchUsage, ProvisioningViews } from '@app/provisioning';
import {
  normalizeIpAddress,
  PRES_IM_PROVISIONING_CONTENT_TYPE,
  SipServer,
  type SipLogger,
  type SipProvisioningDocument,
  type SipRequestorHint,
  type SipServerAddresses,
} from '@app/sip';

/** Addresses a SIP client on this machine may put in the Request-URI to mean "the hub". */
const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1'];
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::']);

/**
 * The hub's SIP listener: answers OPTIONS over UDP and TCP on
 * HUB_SIP_HOST:HUB_SIP_PORT with the same provisioning document as the well-known HTTP route.
 *
 * - Request-URI host = the hub's domain, or an IP address the hub listens on (SIP clients often
 *   address the IP they send to): the hub's own document.
 * - Request-URI host = a member domain: that member's current document.
 * - Anything else, or a member the caller may not see: 404.
 *
 * SIP requestors are not authenticated: the From header is whatever the client wrote, so it is
 * only a hint and never selects a per-requestor view (that would let anyone read a peer's
 * overrides, or a member hidden from anonymous callers, by forging a From domain). Every answer
 * is the anonymous view, byte for byte what `GET /.well-known/pres-im-provisioning[/{domain}]`
 * returns without credentials.
 */
@Injectable()
export class SipListenerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sip');
  private server: SipServer | null = null;
  private hubAddresses = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly views: ProvisioningViews,
    private readonly usage: ProvisioningFetchUsage,
  ) {}

  /** Addresses actually bound (ports are the real ones when HUB_SIP_PORT is 0); null values when not listening. */
  get addresses(): SipServerAddresses {
    return this.server?.addresses ?? { udp: null, tcp: null };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.sip.enabled) {
      this.logger.log('SIP listener disabled (HUB_SIP_ENABLED=false)');
      return;
    }
    const server = new SipServer({
      resolver: (target, hint) => this.resolve(target, hint),
      logger: this.sipLogger(),
    });
    const { host, port } = this.config.sip;
    let bound: SipServerAddresses;
    try {
      bound = await server.start({ host, port, udp: true, tcp: true });
    } catch (error) {
      throw new Error(
        `SIP listener could not bind ${host}:${port} (UDP and TCP): ${error instanceof Error ? error.message : String(error)}` +
          ' (set HUB_SIP_HOST/HUB_SIP_PORT, or HUB_SIP_ENABLED=false)',
        { cause: error },
      );
    }
    this.server = server;
    this.hubAddresses = this.computeHubAddresses(bound);
    this.logger.log(
      `SIP listening for OPTIONS on udp ${formatAddress(bound.udp)} and tcp ${formatAddress(bound.tcp)} ` +
        `(hub domain ${this.config.hub.domain})`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.stop();
  }

  /** The SIP resolver: Request-URI host → the anonymous provisioning document, or null (404). */
  async resolve(targetInput: string, _hint: SipRequestorHint): Promise<SipProvisioningDocument | null> {
    const target = targetInput.toLowerCase().replace(/\.$/, '');
    if (this.isHubTarget(target)) {
      const view = await this.views.hubView(null, 'xml');
      this.usage.fetched('sip', null, null);
      return { body: view.body.toString('utf8'), contentType: PRES_IM_PROVISIONING_CONTENT_TYPE };
    }
    if (isIP(target) !== 0) {
      return null; // an IP address that is not ours: no member is named by an address
    }
    try {
      const view = await this.views.memberView(target, null, 'xml');
      this.usage.fetched('sip', null, normalizeDomain(target));
      return { body: view.body.toString('utf8'), contentType: PRES_IM_PROVISIONING_CONTENT_TYPE };
    } catch (error) {
      // unknown, unpublished or not visible to anonymous callers; or not a domain name at all
      if (error instanceof NotFoundError || error instanceof InvalidInputError) return null;
      throw error;
    }
  }

  private isHubTarget(target: string): boolean {
    if (target === this.config.hub.domain) return true;
    return isIP(target) !== 0 && this.hubAddresses.has(normalizeIpAddress(target));
  }

  /** Bound addresses, loopback, and every local interface address when bound to a wildcard. */
  private computeHubAddresses(bound: SipServerAddresses): Set<string> {
    const addresses = new Set(LOOPBACK_ADDRESSES);
    for (const address of [bound.udp?.address, bound.tcp?.address, this.config.sip.host]) {
      if (address && isIP(address) !== 0 && !WILDCARD_ADDRESSES.has(address)) addresses.add(normalizeIpAddress(address));
    }
    if ([bound.udp?.address, bound.tcp?.address].some((a) => a !== undefined && WILDCARD_ADDRESSES.has(a))) {
      for (const infos of Object.values(networkInterfaces())) {
        for (const info of infos ?? []) addresses.add(normalizeIpAddress(info.address.replace(/%.*$/, '')));
      }
    }
    return addresses;
  }

  /** Adapts Nest's logger to the SIP server's (message + structured context on one line). */
  private sipLogger(): SipLogger {
    const line = (message: string, context?: Record<string, unknown>) =>
      context && Object.keys(context).length > 0 ? `${message} ${JSON.stringify(context)}` : message;
    return {
      warn: (message, context) => this.logger.warn(line(message, context)),
      debug: (message, context) => this.logger.debug(line(message, context)),
    };
  }
}

function formatAddress(address: { address: string; port: number } | null): string {
  if (!address) return 'off';
  return isIP(address.address) === 6 ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

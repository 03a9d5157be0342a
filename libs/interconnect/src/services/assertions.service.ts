import { Injectable } from '@nestjs/common';
import { ForbiddenError, InvalidInputError, normalizeDomain } from '@app/common';
import { UsageCountersRepository } from '@app/db';
import type { Service } from '../decision.js';
import { MAX_ASSERTION_TTL_SECONDS } from '../hub-keys.js';
import { HubKeysService } from './hub-keys.service.js';
import { InterconnectDecisions } from './interconnect-decisions.service.js';

export interface IssuedAssertion {
  /** Compact JWS: iss = hub, sub = requestor, aud = peer, scope = the service; verify with the hub's JWKS. */
  assertion: string;
  kid: string;
  expiresAt: Date;
}

/**
 * Hub-signed assertions: member A asks for one naming peer B and a service, and presents it to B,
 * who verifies it offline against `/.well-known/jwks.json`. Issued only when the one decision
 * function allows the pair now, and never valid beyond that decision.
 */
@Injectable()
export class AssertionsService {
  constructor(
    private readonly decisions: InterconnectDecisions,
    private readonly keys: HubKeysService,
    private readonly usage: UsageCountersRepository,
  ) {}

  async issue(
    requestorDomain: string,
    peerInput: string,
    service: Service,
    ttlSeconds = MAX_ASSERTION_TTL_SECONDS,
    now = new Date(),
  ): Promise<IssuedAssertion> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_ASSERTION_TTL_SECONDS) {
      throw InvalidInputError.forField('ttlSeconds', `must be an integer from 1 to ${MAX_ASSERTION_TTL_SECONDS}`);
    }
    const requestor = normalizeDomain(requestorDomain, 'requestor');
    const peer = normalizeDomain(peerInput, 'peer');
    // a peer hidden from the requestor is refused exactly like a domain that is not a member
    const decision = await this.decisions.asSeenBy(requestor, requestor, peer, service, now);
    if (!decision.allowed) {
      throw new ForbiddenError(`${requestor} may not interconnect with ${peer} for ${service}: ${decision.reason}`, {
        reason: decision.reason,
        rules: decision.rules,
      });
    }
    let ttl = ttlSeconds;
    if (decision.validUntil) {
      // the assertion must not outlive the agreement that allows it (exp is in whole seconds)
      const left = Math.floor(decision.validUntil.getTime() / 1000) - Math.floor(now.getTime() / 1000);
      if (left < 1) {
        throw new ForbiddenError(`the permission for ${peer} lapses within a second`, {
          reason: 'agreement-expired',
          rules: decision.rules,
        });
      }
      ttl = Math.min(ttl, left);
    }
    const signed = await this.keys.sign({ subject: requestor, audience: peer, scope: [service], ttlSeconds: ttl }, now);
    // counted before it is handed out: an assertion the count missed is never issued
    await this.usage.add([
      { member: requestor, kind: 'assertions-issued', n: 1 },
      { member: requestor, peer, kind: 'assertions-issued', n: 1 },
    ]);
    return { assertion: signed.assertion, kid: signed.kid, expiresAt: signed.expiresAt };
  }
}

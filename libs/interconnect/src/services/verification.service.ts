import { Injectable } from '@nestjs/common';
import { CredentialRepository, MemberRepository } from '@app/db';
import { InvalidInputError, normalizeDomain } from '@app/common';
import { normalizePinSha256 } from '../certificate-pin.js';
import type { Decision, Service } from '../decision.js';
import { InterconnectDecisions } from './interconnect-decisions.service.js';

export interface VerificationRequest {
  /** the domain the connecting party claims */
  claimedDomain: string;
  /** SHA-256 of the certificate or SPKI it presented (base64url or hex) */
  certificatePin?: string;
  /** or the kid of the key it signed with */
  keyId?: string;
  service: Service;
}

export interface VerificationResult {
  authentic: boolean;
  credential: { type: 'certificate-pin' | 'jwk'; id: string } | null;
  decision: Decision;
  /** until when the answer may be relied on: the earliest of the credential's expiry and the decision's */
  validUntil: string | null;
  reason: string;
}

/**
 * Member B asks: is the party connecting to me, claiming domain A with this pin or key, an
 * active member, authentic, and allowed to interconnect with me for this service?
 */
@Injectable()
export class InterconnectVerification {
  constructor(
    private readonly members: MemberRepository,
    private readonly credentials: CredentialRepository,
    private readonly decisions: InterconnectDecisions,
  ) {}

  async verify(verifier: string, request: VerificationRequest, at = new Date()): Promise<VerificationResult> {
    const claimed = normalizeDomain(request.claimedDomain, 'claimedDomain');
    if (!request.certificatePin === !request.keyId) {
      throw new InvalidInputError('give exactly one of certificatePin and keyId', [
        { name: 'certificatePin', reason: 'give exactly one of certificatePin and keyId' },
      ]);
    }
    const pin = request.certificatePin ? normalizePinSha256(request.certificatePin, 'certificatePin') : null;
    // a claimed domain hidden from the verifier is answered like one that is not a member: no
    // credential of it is looked up, and the decision is that of an unknown requestor
    const decision = await this.decisions.asSeenBy(verifier, claimed, verifier, request.service, at);
    const visible = await this.decisions.visible(verifier, claimed, at);
    const credential = visible ? await this.findCredential(claimed, pin, request.keyId, at) : null;
    const authentic = credential !== null;
    const validUntil = earliest(credential?.notAfter ?? null, decision.validUntil);
    return {
      authentic,
      credential: credential ? { type: credential.kind, id: credential.id } : null,
      decision,
      validUntil: authentic && decision.allowed ? (validUntil?.toISOString() ?? null) : null,
      reason: !authentic ? 'credential-not-recognised' : decision.reason,
    };
  }

  private async findCredential(domain: string, pin: string | null, keyId: string | undefined, at: Date) {
    const usable = (c: { revokedAt: Date | null; notBefore: Date; notAfter: Date | null }) =>
      !c.revokedAt && c.notBefore <= at && (!c.notAfter || c.notAfter > at);
    if (pin) {
      const found = await this.credentials.findPinned(pin);
      return found.find((f) => f.member.domain === domain && usable(f.credential))?.credential ?? null;
    }
    const member = await this.members.findByDomain(domain);
    const key = member ? await this.credentials.findJwk(member.id, keyId as string) : null;
    return key && usable(key) ? key : null;
  }
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

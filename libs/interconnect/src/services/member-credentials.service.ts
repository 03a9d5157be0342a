import { Injectable } from '@nestjs/common';
import { CredentialRepository, MemberCredentialEntity, MemberRepository, memberChangeKey, TransactionRunner } from '@app/db';
import { ActorContext, ConflictError, InvalidInputError, NotFoundError, normalizeDomain, PinType } from '@app/common';
import { AuditTrail } from '@app/audit';
import { certificatePins, normalizePinSha256 } from '../certificate-pin.js';
import { jwkThumbprint, parsePublicSigningJwk } from '../signing-jwk.js';
import { TransparencyLog } from './transparency-log.service.js';

export interface ValidityInput {
  notBefore?: Date;
  notAfter?: Date | null;
  label?: string | null;
}

/** A pin given directly (hex, base64 or base64url SHA-256) or computed from a PEM certificate. */
export function normalizePin(input: { type?: string; sha256?: string; certificatePem?: string }): {
  type: PinType;
  sha256: string;
} {
  const type: PinType = input.type === 'spki' ? 'spki' : 'certificate';
  if (input.certificatePem) {
    const pins = certificatePins(input.certificatePem);
    return { type, sha256: type === 'spki' ? pins.spkiSha256 : pins.certSha256 };
  }
  if (input.type !== 'certificate' && input.type !== 'spki')
    throw InvalidInputError.forField('pinType', "must be 'certificate' or 'spki'");
  return { type, sha256: normalizePinSha256(input.sha256 ?? '') };
}

/**
 * Members' signing keys and certificate pins. Rotation is registering the new credential with a
 * validity that overlaps the old one's; revocation takes effect at once in every process.
 */
@Injectable()
export class MemberCredentialsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly members: MemberRepository,
    private readonly credentials: CredentialRepository,
    private readonly audit: AuditTrail,
    private readonly transparency: TransparencyLog,
  ) {}

  async addJwk(
    domainInput: string,
    jwkInput: unknown,
    validity: ValidityInput,
    actor: ActorContext,
  ): Promise<MemberCredentialEntity> {
    const jwk = parsePublicSigningJwk(jwkInput);
    return this.add(
      domainInput,
      { kind: 'jwk', kid: jwkThumbprint(jwk), publicJwk: jwk as Record<string, unknown> },
      validity,
      actor,
    );
  }

  async addPin(
    domainInput: string,
    pinInput: { type?: string; sha256?: string; certificatePem?: string },
    validity: ValidityInput,
    actor: ActorContext,
  ): Promise<MemberCredentialEntity> {
    const pin = normalizePin(pinInput);
    // one certificate must identify one member: a second claim would lock the first out of mTLS
    const holders = await this.credentials.findPinned(pin.sha256);
    const domain = normalizeDomain(domainInput);
    if (holders.some((h) => h.member.domain !== domain))
      throw new ConflictError('this certificate is already pinned by another member');
    return this.add(domainInput, { kind: 'certificate-pin', pinSha256: pin.sha256, pinType: pin.type }, validity, actor);
  }

  async list(domainInput: string): Promise<MemberCredentialEntity[]> {
    const member = await this.requireMember(normalizeDomain(domainInput));
    return this.credentials.listForMember(member.id);
  }

  async revoke(domainInput: string, id: string, reason: string | null, actor: ActorContext): Promise<void> {
    const domain = normalizeDomain(domainInput);
    const member = await this.requireMember(domain);
    await this.tx.runAndAnnounce([memberChangeKey(domain)], async (manager) => {
      const credential = /^[0-9a-f-]{36}$/i.test(id) ? await this.credentials.findForMember(member.id, id, manager) : null;
      if (!credential) throw new NotFoundError(`no credential ${id} for ${domain}`);
      if (credential.revokedAt) throw new ConflictError(`credential ${id} is already revoked`);
      await this.credentials.revoke(id, new Date(), manager);
      await this.audit.record(
        actor,
        { action: 'credential.revoked', targetType: 'member', targetId: domain, reason, details: { id } },
        manager,
      );
      await this.transparency.append(
        {
          kind: 'credential.revoked',
          subjects: [domain],
          entry: { id, kind: credential.kind, kid: credential.kid, pin: credential.pinSha256, reason },
        },
        manager,
      );
    });
  }

  private async add(
    domainInput: string,
    credential: Partial<MemberCredentialEntity>,
    validity: ValidityInput,
    actor: ActorContext,
  ): Promise<MemberCredentialEntity> {
    const domain = normalizeDomain(domainInput);
    const notBefore = validity.notBefore ?? new Date();
    const notAfter = validity.notAfter ?? null;
    if (notAfter && notAfter <= notBefore) throw InvalidInputError.forField('notAfter', 'must be after notBefore');
    const member = await this.requireMember(domain);
    if (member.status === 'withdrawn') throw new ConflictError('a withdrawn member cannot register credentials');
    return this.tx.runAndAnnounce([memberChangeKey(domain)], async (manager) => {
      const row = await this.credentials
        .insert({ ...credential, memberId: member.id, notBefore, notAfter, label: validity.label ?? null }, manager)
        .catch((error: { code?: string }) => {
          if (error.code === '23505') throw new ConflictError(`key ${credential.kid} is already registered`);
          throw error;
        });
      const entry = {
        id: row.id,
        kind: row.kind,
        kid: row.kid,
        jwk: row.publicJwk,
        pin: row.pinSha256,
        pinType: row.pinType,
        notBefore,
        notAfter,
      };
      await this.audit.record(
        actor,
        { action: 'credential.added', targetType: 'member', targetId: domain, details: entry },
        manager,
      );
      await this.transparency.append(
        { kind: 'credential.added', subjects: [domain], entry: JSON.parse(JSON.stringify(entry)) },
        manager,
      );
      return row;
    });
  }

  private async requireMember(domain: string) {
    const member = await this.members.findByDomain(domain);
    if (!member) throw new NotFoundError(`no member with domain ${domain}`);
    return member;
  }
}

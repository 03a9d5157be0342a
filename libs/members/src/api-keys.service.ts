import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ApiKeyRepository,
  MemberApiKeyEntity,
  MemberEntity,
  MemberRepository,
  memberChangeKey,
  TransactionRunner,
} from '@app/db';
import { ActorContext, ConflictError, hashToken, issueToken, NotFoundError, normalizeDomain, tokenKind } from '@app/common';
import { AuditTrail } from '@app/audit';

export interface IssuedApiKey {
  key: MemberApiKeyEntity;
  /** The secret, returned to the caller once and never stored. */
  token: string;
}

/** Member API keys: issued on approval or on demand, stored as hashes, revoked at once. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly members: MemberRepository,
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditTrail,
  ) {}

  async issueWithin(
    member: MemberEntity,
    label: string | null,
    actor: ActorContext,
    manager: EntityManager,
  ): Promise<IssuedApiKey> {
    const issued = issueToken('memberKey');
    const key = await this.keys.insert(
      { memberId: member.id, tokenHash: issued.hash, tokenPrefix: issued.prefix, label },
      manager,
    );
    await this.audit.record(
      actor,
      {
        action: 'member.key.issued',
        targetType: 'member',
        targetId: member.domain,
        details: { keyId: key.id, prefix: issued.prefix },
      },
      manager,
    );
    return { key, token: issued.token };
  }

  async issue(domainInput: string, label: string | null, actor: ActorContext): Promise<IssuedApiKey> {
    const domain = normalizeDomain(domainInput);
    return this.tx.run(async (manager) => {
      const member = await this.members.lockByDomain(domain, manager);
      if (!member) throw new NotFoundError(`no member with domain ${domain}`);
      if (member.status !== 'active' && member.status !== 'suspended') {
        throw new ConflictError(`cannot issue a key to a member that is ${member.status}`, { currentStatus: member.status });
      }
      return this.issueWithin(member, label, actor, manager);
    });
  }

  /**
   * The applicant collects an API key with the claim secret it got when applying: once, and only
   * after approval. A wrong secret, an unknown domain, a pending or suspended member and a secret
   * already used all give the same NotFoundError, so the route tells nothing about who applied.
   */
  async collect(domainInput: string, claimSecret: string, actor: ActorContext): Promise<IssuedApiKey> {
    const unknown = new NotFoundError('no approved application for this domain and claim secret');
    let domain: string;
    try {
      domain = normalizeDomain(domainInput);
    } catch {
      throw unknown;
    }
    if (tokenKind(claimSecret) !== 'applicationClaim') throw unknown;
    return this.tx.run(async (manager) => {
      const member = await this.members.lockByClaimSecret(domain, hashToken(claimSecret), manager);
      if (!member || member.status !== 'active') throw unknown;
      await this.members.clearClaimSecret(member.id, manager);
      return this.issueWithin(member, 'applicant', actor, manager);
    });
  }

  async list(domainInput: string): Promise<MemberApiKeyEntity[]> {
    const member = await this.requireMember(normalizeDomain(domainInput));
    return this.keys.listForMember(member.id);
  }

  async revoke(domainInput: string, keyId: string, reason: string | null, actor: ActorContext): Promise<void> {
    const domain = normalizeDomain(domainInput);
    await this.tx.runAndAnnounce([memberChangeKey(domain)], async (manager) => {
      const member = await this.members.findByDomain(domain, manager);
      const key = member && /^[0-9a-f-]{36}$/i.test(keyId) ? await this.keys.findForMember(member.id, keyId, manager) : null;
      if (!member || !key) throw new NotFoundError(`no key ${keyId} for member ${domain}`);
      if (key.revokedAt) throw new ConflictError(`key ${keyId} is already revoked`);
      await this.keys.revoke(key.id, new Date(), manager);
      await this.audit.record(
        actor,
        { action: 'member.key.revoked', targetType: 'member', targetId: domain, reason, details: { keyId } },
        manager,
      );
    });
  }

  private async requireMember(domain: string): Promise<MemberEntity> {
    const member = await this.members.findByDomain(domain);
    if (!member) throw new NotFoundError(`no member with domain ${domain}`);
    return member;
  }
}

import { Injectable } from '@nestjs/common';
import { ALL_CHANGED, ApiKeyRepository, ChangeBus, memberChangeKey, OperatorRepository } from '@app/db';
import { hashToken } from '@app/common';
import type { MemberPrincipal, OperatorPrincipal } from './principal.js';

const MEMBER_CACHE_TTL_MS = 60_000;
const MEMBER_CACHE_MAX = 10_000;

/**
 * Resolves bearer tokens to principals. Lookups go by hash; the token itself is never stored or
 * logged. Member keys sit on the hot path, so resolved keys are cached per process and dropped on
 * every change of their member (status, key revocation) announced on the ChangeBus; the TTL is
 * only a backstop.
 */
@Injectable()
export class CredentialVerifier {
  private readonly members = new Map<string, { principal: MemberPrincipal | null; expiresAt: number }>();

  constructor(
    private readonly operators: OperatorRepository,
    private readonly apiKeys: ApiKeyRepository,
    changes: ChangeBus,
  ) {
    changes.subscribe((key) => this.invalidate(key));
  }

  async operator(token: string): Promise<OperatorPrincipal | null> {
    const op = await this.operators.findActiveByTokenHash(hashToken(token));
    return op ? { kind: 'operator', operatorId: op.id, name: op.name, role: op.role } : null;
  }

  async member(token: string): Promise<MemberPrincipal | null> {
    const hash = hashToken(token);
    const cached = this.members.get(hash);
    if (cached && cached.expiresAt > Date.now()) return cached.principal;
    const found = await this.apiKeys.findUnrevokedWithMember(hash);
    const principal: MemberPrincipal | null = found
      ? {
          kind: 'member',
          memberId: found.member.id,
          domain: found.member.domain,
          status: found.member.status,
          credential: { type: 'api-key', id: found.key.id },
        }
      : null;
    // unknown tokens are not cached: a flood of random tokens must not evict real ones
    if (principal) {
      if (this.members.size >= MEMBER_CACHE_MAX) this.members.clear();
      this.members.set(hash, { principal, expiresAt: Date.now() + MEMBER_CACHE_TTL_MS });
    }
    return principal;
  }

  private invalidate(key: string): void {
    if (key === ALL_CHANGED) {
      this.members.clear();
      return;
    }
    for (const [hash, entry] of this.members) {
      if (entry.principal && memberChangeKey(entry.principal.domain) === key) this.members.delete(hash);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { ApiKeyRepository, OperatorRepository } from '@app/db';
import { hashToken } from '@app/common';
import type { MemberPrincipal, OperatorPrincipal } from './principal.js';

/** Resolves bearer tokens to principals. Lookups go by hash; the token itself is never stored or logged. */
@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly operators: OperatorRepository,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async operator(token: string): Promise<OperatorPrincipal | null> {
    const op = await this.operators.findActiveByTokenHash(hashToken(token));
    return op ? { kind: 'operator', operatorId: op.id, name: op.name, role: op.role } : null;
  }

  async member(token: string): Promise<MemberPrincipal | null> {
    const found = await this.apiKeys.findUnrevokedWithMember(hashToken(token));
    if (!found) return null;
    return {
      kind: 'member',
      memberId: found.member.id,
      domain: found.member.domain,
      status: found.member.status,
      credential: { type: 'api-key', id: found.key.id },
    };
  }
}

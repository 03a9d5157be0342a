import type { MemberApiKeyEntity, MemberEntity } from '@app/db';
import type { IssuedApiKey } from '@app/members';
import type { ApiKeyResponse, IssuedApiKeyResponse, MemberResponse } from './member.schemas.js';

export function toMemberResponse(m: MemberEntity): MemberResponse {
  return {
    id: m.id,
    domain: m.domain,
    displayName: m.displayName,
    protocols: m.protocols,
    contacts: m.contacts,
    status: m.status,
    statusReason: m.statusReason,
    statusChangedAt: m.statusChangedAt.toISOString(),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export function toApiKeyResponse(k: MemberApiKeyEntity): ApiKeyResponse {
  return {
    id: k.id,
    prefix: k.tokenPrefix,
    label: k.label,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

/** The only response that ever contains a key's secret. */
export function toIssuedApiKeyResponse(issued: IssuedApiKey): IssuedApiKeyResponse {
  return { ...toApiKeyResponse(issued.key), token: issued.token };
}

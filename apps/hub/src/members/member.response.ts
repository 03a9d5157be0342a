import type { MemberApiKeyEntity, MemberEntity } from '@app/db';
import type { IssuedApiKey } from '@app/members';

export function toMemberResponse(m: MemberEntity) {
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

export function toApiKeyResponse(k: MemberApiKeyEntity) {
  return {
    id: k.id,
    prefix: k.tokenPrefix,
    label: k.label,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

/** The only response that ever contains a key's secret. */
export function toIssuedApiKeyResponse(issued: IssuedApiKey) {
  return { ...toApiKeyResponse(issued.key), token: issued.token };
}

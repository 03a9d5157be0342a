import { type MemberStatus, type OperatorRole } from '@app/common';
import type { ActorContext } from '@app/common';

export interface OperatorPrincipal {
  kind: 'operator';
  operatorId: string;
  name: string;
  role: OperatorRole;
}

export interface MemberPrincipal {
  kind: 'member';
  memberId: string;
  domain: string;
  status: MemberStatus;
  /**
   * How this request was authenticated: an API key (its id), a signed request (the key's kid) or a
   * TLS client certificate matching a registered pin (the pin credential's id).
   */
  credential: MemberCredentialRef;
}

export type MemberCredentialType = 'api-key' | 'jws' | 'mtls';

export interface MemberCredentialRef {
  type: MemberCredentialType;
  id: string;
}

export type Principal = OperatorPrincipal | MemberPrincipal;

/** What guards attach to the Fastify request. */
export interface AuthenticatedRequest {
  id: string;
  principal?: Principal;
  headers: Record<string, string | string[] | undefined>;
  method: string;
  ip: string;
  /** scheme and Host the request came with (Fastify's; behind a proxy only with HUB_TRUST_PROXY) */
  protocol?: string;
  host?: string;
  /** the Node request; its socket is a TLSSocket when the hub serves HTTPS itself */
  raw?: { socket?: unknown };
}

export function actorOf(principal: Principal | undefined, request: { id: string; ip: string }): ActorContext {
  if (!principal) return { type: 'anonymous', id: request.ip, requestId: request.id };
  if (principal.kind === 'operator') return { type: 'operator', id: principal.operatorId, requestId: request.id };
  return { type: 'member', id: principal.domain, requestId: request.id };
}

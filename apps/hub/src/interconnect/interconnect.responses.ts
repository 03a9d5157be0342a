import type { PeeringGraphView } from '@app/interconnect';
import type {
  AgreementResponse,
  BlockResponse,
  CredentialResponse,
  PeeringGraphResponse,
  TransparencyEntryResponse,
} from './interconnect.schemas.js';
import type { InterconnectBlockEntity, MemberCredentialEntity, PeeringAgreementEntity, TransparencyEntryEntity } from '@app/db';

export const toAgreementResponse = (a: PeeringAgreementEntity, at = new Date()): AgreementResponse => ({
  id: a.id,
  offerer: a.offererDomain,
  offeree: a.offereeDomain,
  services: a.services,
  state: a.state,
  expiresAt: a.expiresAt?.toISOString() ?? null,
  // an agreement past its expiry stops counting at once; no job has to change its state
  expired: a.expiresAt !== null && a.expiresAt <= at,
  createdAt: a.createdAt.toISOString(),
  decidedAt: a.decidedAt?.toISOString() ?? null,
  revokedAt: a.revokedAt?.toISOString() ?? null,
  revokedBy: a.revokedBy,
});

export const toBlockResponse = (b: InterconnectBlockEntity): BlockResponse => ({
  scope: b.scope,
  blocker: b.blockerDomain,
  blocked: b.blockedDomain,
  reason: b.reason,
  createdAt: b.createdAt.toISOString(),
});

export const toCredentialResponse = (c: MemberCredentialEntity): CredentialResponse => ({
  id: c.id,
  kind: c.kind,
  kid: c.kid,
  jwk: c.publicJwk,
  pinType: c.pinType,
  sha256: c.pinSha256,
  label: c.label,
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter?.toISOString() ?? null,
  revokedAt: c.revokedAt?.toISOString() ?? null,
});

export const toTransparencyResponse = (t: TransparencyEntryEntity): TransparencyEntryResponse => ({
  seq: Number(t.seq),
  at: t.at.toISOString(),
  kind: t.kind,
  subjects: t.subjects,
  entry: t.entry,
  prevHash: t.prevHash,
  hash: t.hash,
});

export const toPeeringGraphResponse = (graph: PeeringGraphView): PeeringGraphResponse => ({
  mode: graph.mode,
  nodes: graph.nodes.map((n) => ({ domain: n.domain, displayName: n.displayName, status: n.status })),
  edges: graph.edges.map((e) => ({
    id: e.id,
    kind: e.kind,
    source: e.source,
    target: e.target,
    services: e.services,
    expiresAt: e.expiresAt?.toISOString() ?? null,
    expired: e.expired,
    reason: e.reason,
    since: e.since.toISOString(),
  })),
});

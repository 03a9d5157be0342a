import { Injectable } from '@nestjs/common';
import type { FederationMode, MemberStatus, PeeringService } from '@app/common';
import { MemberRepository, PolicyRepository } from '@app/db';

export const PEERING_EDGE_KINDS = ['agreement', 'offer', 'refusal', 'operator-block', 'member-block'] as const;
export type PeeringEdgeKind = (typeof PEERING_EDGE_KINDS)[number];

export interface PeeringGraphNode {
  domain: string;
  displayName: string;
  status: MemberStatus;
}

/**
 * One edge: an accepted agreement, an open offer or a refused one (source: the offerer), an
 * operator block (the pair in sorted order) or a member block (source: the blocker).
 */
export interface PeeringGraphEdge {
  id: string;
  kind: PeeringEdgeKind;
  source: string;
  target: string;
  services: PeeringService[];
  expiresAt: Date | null;
  expired: boolean;
  reason: string | null;
  since: Date;
}

export interface PeeringGraphView {
  mode: FederationMode;
  nodes: PeeringGraphNode[];
  edges: PeeringGraphEdge[];
}

const AGREEMENT_EDGE = { accepted: 'agreement', offered: 'offer', rejected: 'refusal' } as const;

/**
 * The federation as operators look at it: every member, and between members the agreements,
 * offers, refused offers and blocks as stored. It explains nothing by itself: whether a pair may
 * interconnect, and why, is the decision function's answer (GET /admin/v1/interconnect/decisions).
 */
@Injectable()
export class PeeringGraph {
  constructor(
    private readonly members: MemberRepository,
    private readonly policy: PolicyRepository,
  ) {}

  async view(at = new Date()): Promise<PeeringGraphView> {
    const [mode, members, agreements, blocks] = await Promise.all([
      this.policy.mode(),
      this.members.summaries(),
      this.policy.agreementsNotRevoked(),
      this.policy.allBlocks(),
    ]);
    const known = new Set(members.map((m) => m.domain));
    const edges: PeeringGraphEdge[] = [
      ...agreements.map((a) => ({
        id: a.id,
        kind: AGREEMENT_EDGE[a.state as keyof typeof AGREEMENT_EDGE],
        source: a.offererDomain,
        target: a.offereeDomain,
        services: a.services,
        expiresAt: a.expiresAt,
        expired: a.expiresAt !== null && a.expiresAt <= at,
        reason: null,
        since: a.decidedAt ?? a.createdAt,
      })),
      ...blocks.map((b) => ({
        id: `${b.scope}-block:${b.blockerDomain}:${b.blockedDomain}`,
        kind: b.scope === 'operator' ? ('operator-block' as const) : ('member-block' as const),
        source: b.blockerDomain,
        target: b.blockedDomain,
        services: [],
        expiresAt: null,
        expired: false,
        reason: b.reason,
        since: b.createdAt,
      })),
    ];
    // a member may block a domain that is not (or no longer) a member: there is no node to draw it to
    return { mode, nodes: members, edges: edges.filter((e) => known.has(e.source) && known.has(e.target)) };
  }
}

import { type MemberStatus } from '@app/common';
import type { ClearingHouseMembership, ProvisioningDocument } from '@app/xml';

/**
 * Peer Network Privacy of a member towards this hub, from its published document
 * (`clearing-house-membership` for this hub). A member that published nothing, or no
 * membership block for this hub, is visible to every member but not listed in the directory:
 * the conservative reading of "no statement".
 */
export interface PeerPrivacy {
  listed: boolean;
  visibleToAll: boolean;
  allow: ReadonlySet<string>;
  deny: ReadonlySet<string>;
}

export const DEFAULT_PRIVACY: PeerPrivacy = { listed: false, visibleToAll: true, allow: new Set(), deny: new Set() };

export function membershipFor(
  doc: ProvisioningDocument | null | undefined,
  hubDomain: string,
): ClearingHouseMembership | undefined {
  const memberships = doc?.clearingHouseMembership ?? [];
  return (
    memberships.find((m) => m.clearingHouse.toLowerCase() === hubDomain) ??
    (memberships.length === 1 ? memberships[0] : undefined)
  );
}

export function privacyOf(doc: ProvisioningDocument | null | undefined, hubDomain: string): PeerPrivacy {
  const membership = membershipFor(doc, hubDomain);
  if (!membership) return DEFAULT_PRIVACY;
  const domains = (list?: { peer?: { domain: string }[] }) => new Set((list?.peer ?? []).map((p) => p.domain.toLowerCase()));
  return {
    listed: membership.listed,
    visibleToAll: membership.peerNetworkPrivacy.visibleToAll,
    allow: domains(membership.peerNetworkPrivacy.allow),
    deny: domains(membership.peerNetworkPrivacy.deny),
  };
}

/**
 * May `requestor` (a member domain, or null for an anonymous caller) see `target` at all?
 * Only active members are visible to others; a member always sees itself. Deny beats allow.
 * Anonymous callers see only members that are visible to all and listed in the directory.
 */
export function mayView(
  requestor: string | null,
  target: { domain: string; status: MemberStatus },
  privacy: PeerPrivacy,
): boolean {
  if (requestor === target.domain) return true;
  if (target.status !== 'active') return false;
  if (requestor === null) return privacy.visibleToAll && privacy.listed;
  if (privacy.deny.has(requestor)) return false;
  return privacy.visibleToAll || privacy.allow.has(requestor);
}

/**
 * The clearing-house services a member delegated to this hub in its published document
 * (`clearing-house-membership/delegated-services`, e.g. `logging`: the hub logs for it).
 * Nothing published, or no membership block for this hub: nothing delegated.
 */
export function delegatedServicesOf(doc: ProvisioningDocument | null | undefined, hubDomain: string): ReadonlySet<string> {
  const services = membershipFor(doc, hubDomain)?.delegatedServices?.service ?? [];
  return new Set(services.map((s) => s.type));
}

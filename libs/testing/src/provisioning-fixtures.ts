import type { ProvisioningDocument } from '@app/xml';

export interface MemberDocumentOptions {
  hubDomain?: string;
  listed?: boolean;
  visibleToAll?: boolean;
  allow?: string[];
  deny?: string[];
  changeNotification?: string;
  /** the member's gateway for events of rooms the hub hosts */
  chatDelivery?: string;
  edge?: string;
  /** clearing-house services delegated to the hub, e.g. ['logging'] */
  delegate?: string[];
}

/** A small valid clearing-house-member document (JSON model) with the given Peer Network Privacy. */
export function memberDocument(domain: string, options: MemberDocumentOptions = {}): ProvisioningDocument {
  const peers = (domains?: string[]) => (domains?.length ? { peer: domains.map((d) => ({ domain: d })) } : undefined);
  const privacy = { visibleToAll: options.visibleToAll ?? true, allow: peers(options.allow), deny: peers(options.deny) };
  return {
    version: '1.0',
    role: 'clearing-house-member',
    domain,
    connectivity: {
      dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: options.edge ?? `edge.${domain}` }] },
    },
    clearingHouseMembership: [
      {
        clearingHouse: options.hubDomain ?? 'hub.test.example',
        listed: options.listed ?? true,
        peerNetworkPrivacy: JSON.parse(JSON.stringify(privacy)),
        ...(options.delegate?.length ? { delegatedServices: { service: options.delegate.map((type) => ({ type })) } } : {}),
        ...(options.changeNotification ? { changeNotification: { uri: options.changeNotification } } : {}),
        ...(options.chatDelivery ? { chatDelivery: { uri: options.chatDelivery } } : {}),
      },
    ],
  } as ProvisioningDocument;
}

import type { AppConfig } from '@app/config';
import type { ProvisioningDocument } from '@app/xml';

/**
 * The hub's own provisioning (role clearing-house): how to reach it and which services it
 * offers. The member list is added per requestor by the views.
 */
export function hubOwnDocument(config: AppConfig): ProvisioningDocument {
  const domain = config.hub.domain;
  return {
    version: '1.0',
    role: 'clearing-house',
    domain,
    connectivity: {
      dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: domain }] },
      provisioningEndpoints: {
        endpoint: [
          { method: 'https', value: `${config.hub.publicBaseUrl}/.well-known/pres-im-provisioning` },
          { method: 'sip-options', value: `sip:${domain}` },
        ],
      },
    },
    clearingHouse: {
      topology: { mode: 'hub' },
      services: { service: [{ type: 'authorized-interconnection' }] },
    },
  } as ProvisioningDocument;
}

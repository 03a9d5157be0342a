/**
 * TypeScript types of the JSON form of a provisioning document (docs/provisioning.md,
 * "JSON form"). Keys are the camelCased XML names; repeatable children are always arrays;
 * text-only elements are scalars; text elements with attributes carry their text in `value`.
 *
 * Extensions: attributes of other namespaces are keyed in Clark notation (`{uri}local`), and
 * elements of other namespaces are serialized XML fragments in `$any` (in document order).
 */

/** Attributes of other namespaces, keyed `{namespace-uri}local-name`. */
export interface ForeignAttributes {
  [clarkName: `{${string}`]: string;
}

/** Elements with element-only or empty content: foreign attributes and foreign child elements. */
export interface Extensible extends ForeignAttributes {
  /** Elements of other namespaces, each a standalone XML fragment, after the other children. */
  $any?: string[];
}

export type Role = 'peer-network' | 'clearing-house-member' | 'clearing-house';
export type ContactType = 'admin' | 'security' | 'noc' | 'abuse';
export type ServiceKind = 'presence' | 'im' | 'any';
export type SignallingProtocol = 'sip' | 'xmpp' | 'matrix';
export type Transport = 'tls' | 'tcp' | 'udp' | 'sctp' | 'tls-sctp' | 'ws' | 'wss';
export type TlsVersion = '1.0' | '1.1' | '1.2' | '1.3';
export type CompressionMethod = 'sigcomp' | 'sigcomp-presence-dict' | 'deflate';
export type ProvisioningMethod = 'sip-options' | 'https' | 'config-framework' | 'xep-0115';
export type ViewSharingLevel = 'none' | 'minimal' | 'partial' | 'full';
export type WatcherListSource = 'in-notify' | 'winfo' | 'local';
export type PrivacyFilteringMode = 'notifier' | 'per-domain' | 'per-watcher-delegated';
export type LoggingPerformer = 'peer-network' | 'clearing-house';
export type SessionModeProtocol = 'msrp' | 'message-in-dialog';
export type Topology = 'hub' | 'mesh';
export type ClearingHouseServiceType = 'authorized-interconnection' | 'n-way-chat' | 'logging' | 'lawful-interception' | 'other';
export type MemberStatus = 'pending' | 'active' | 'suspended' | 'withdrawn';

/** `<pres-im-provisioning>`: the root element (and `member/pres-im-provisioning`). */
export interface ProvisioningDocument extends Extensible {
  /** Vocabulary version, `1.x`. */
  version: string;
  role: Role;
  domain: string;
  /** Requestor this copy was tailored to (set by the hub). */
  for?: string;
  /** Content hash of the version (set by the hub), the HTTP ETag. */
  ver?: string;
  /** xs:dateTime */
  generated?: string;
  /** xs:dateTime: when the hub stored this version (set by the hub). */
  published?: string;
  /** xs:dateTime */
  expires?: string;
  contact?: Contact[];
  connectivity: Connectivity;
  authorizationPrivacy?: AuthorizationPrivacy;
  presenceFeatures?: PresenceFeatures;
  chatFeatures?: ChatFeatures;
  clearingHouse?: ClearingHouse;
  clearingHouseMembership?: ClearingHouseMembership[];
  feature?: Feature[];
}

export interface Contact extends ForeignAttributes {
  type: ContactType;
  /** URI */
  value: string;
}

export interface SupportFlag extends Extensible {
  supported: boolean;
}

export interface Feature extends Extensible {
  uri: string;
  supported: boolean;
}

export interface DomainList extends Extensible {
  domain?: string[];
}

// ---- 2.1 Connectivity -------------------------------------------------------------------------

export interface Connectivity extends Extensible {
  domains?: DomainList;
  dnsNames: DnsNames;
  srvRecords?: Extensible & { used: boolean };
  tls?: Extensible & { only: boolean; mutualAuth?: boolean; minVersion?: TlsVersion };
  transports?: Extensible & { transport: Transport[] };
  networkAccess?: Extensible & { address: Address[] };
  certificates?: Certificates;
  cipherSuites?: Extensible & { cipherSuite?: string[] };
  compression?: Extensible & { method?: CompressionMethod[] };
  maxConnections?: number;
  provisioningEndpoints?: Extensible & { endpoint: Endpoint[] };
  changeNotification?: Extensible & { supported: boolean; uri?: string };
}

export interface DnsNames extends Extensible {
  dnsName: DnsName[];
}

export interface DnsName extends ForeignAttributes {
  service: ServiceKind;
  protocol: SignallingProtocol;
  port?: number;
  /** FQDN */
  value: string;
}

export interface Address extends ForeignAttributes {
  port?: number;
  transport?: Transport;
  /** IP address or CIDR prefix */
  value: string;
}

export interface Certificates extends Extensible {
  presented?: PresentedCertificate[];
  acceptedIssuer?: string[];
}

export interface PresentedCertificate extends Extensible {
  subject: string;
  issuer: string;
  notAfter: string;
  sha256?: string;
}

export interface Endpoint extends ForeignAttributes {
  method: ProvisioningMethod;
  /** URI */
  value: string;
}

// ---- 2.2 Authorization & Privacy ---------------------------------------------------------------

export interface AuthorizationPrivacy extends Extensible {
  viewSharing?: Extensible & { supported: boolean; level?: ViewSharingLevel };
  authorizedRlsDomains?: DomainList;
  privacySharing?: Extensible & { supported: boolean; userConsentRequired?: boolean };
  commonNotify?: Extensible & { supported: boolean; watcherList?: WatcherListSource };
  privacyFiltering?: Extensible & { mode: PrivacyFilteringMode };
}

// ---- 2.3 Presence Features ---------------------------------------------------------------------

export interface PresenceFeatures extends Extensible {
  pidfExtensions?: Extensible & { extension: (Extensible & { namespace: string; name?: string })[] };
  pidfMapping?: Extensible & { map?: PidfMap[] };
  listSubscription?: Extensible & {
    supported: boolean;
    publicLists?: boolean;
    privateLists?: boolean;
    requestContained?: boolean;
  };
  partialNotification?: SupportFlag;
  filtering?: SupportFlag;
  conditionalNotification?: SupportFlag;
  rateControl?: Extensible & { supported: boolean; minInterval?: string };
  fetch?: SupportFlag;
  batchedNotification?: SupportFlag;
  contentIndirection?: SupportFlag;
  watcherInfo?: SupportFlag;
  subscriptionLimits?: Extensible & { minExpires: string; maxExpires: string; refreshInterval?: string };
  /** xs:duration */
  identifierReuseHold?: string;
  usageProfile?: Extensible & {
    maxSubscriptions?: number;
    maxNotifyRate?: number;
    maxMessageRate?: number;
    maxDocumentSize?: number;
  };
  errorCodes?: Extensible & { error?: (Extensible & { condition: string; code: number })[] };
}

export interface PidfMap extends Extensible {
  local: string;
  namespace: string;
  element: string;
  /** An ordinary attribute (map has no text content). */
  value?: string;
}

// ---- 2.4 Chat Features -------------------------------------------------------------------------

export interface Logging extends Extensible {
  enabled: boolean;
  performedBy?: LoggingPerformer;
}

export interface SessionMode extends Extensible {
  supported: boolean;
  protocol: SessionModeProtocol;
  relay?: string;
  relayRequired?: boolean;
}

export interface ChatFeatures extends Extensible {
  logging?: Logging;
  imModes?: Extensible & {
    pageMode?: Extensible & { supported: boolean; maxSize?: number };
    sessionMode?: SessionMode[];
  };
  isTyping?: SupportFlag;
  richText?: Extensible & { supported: boolean; format?: string[] };
  emoticons?: Extensible & { supported: boolean; emoticon?: (Extensible & { text: string; meaning: string })[] };
  images?: Extensible & { supported: boolean; animated?: boolean; maxSize?: number; type?: string[] };
  nWayChat?: Extensible & {
    supported: boolean;
    serviceUri?: string;
    nicknames?: boolean;
    privateMessages?: boolean;
  };
  fileTransfer?: Extensible & { supported: boolean; maxSize?: number };
  multipleRecipientMessage?: SupportFlag;
  deliveryNotification?: SupportFlag;
  cpim?: SupportFlag;
}

// ---- 2.5 Clearing house ------------------------------------------------------------------------

export interface ClearingHouse extends Extensible {
  topology?: Extensible & { mode: Topology };
  services?: Extensible & { service: OfferedService[] };
  members?: Members;
}

export interface OfferedService extends Extensible {
  type: ClearingHouseServiceType;
  name?: string;
  uri?: string;
}

export interface Members extends Extensible {
  /** xs:dateTime: present on a delta list. */
  since?: string;
  member?: Member[];
}

export interface Member extends Extensible {
  domain: string;
  status: MemberStatus;
  ver?: string;
  published?: string;
  provisioningUri?: string;
  certificate?: MemberCertificate[];
  /** The member's own document as served to the caller. */
  presImProvisioning?: ProvisioningDocument;
}

export interface MemberCertificate extends Extensible {
  sha256: string;
  subject?: string;
  notAfter?: string;
}

export interface ClearingHouseMembership extends Extensible {
  clearingHouse: string;
  listed: boolean;
  peerNetworkPrivacy: PeerNetworkPrivacy;
  delegatedServices?: Extensible & { service?: DelegatedService[] };
  /** The member's webhook for change notifications. */
  changeNotification?: Extensible & { uri: string };
  /** The member's gateway for events of rooms the hub hosts. */
  chatDelivery?: Extensible & { uri: string };
}

export interface PeerNetworkPrivacy extends Extensible {
  visibleToAll: boolean;
  allow?: PeerList;
  deny?: PeerList;
}

export interface PeerList extends Extensible {
  peer?: (Extensible & { domain: string })[];
}

export interface DelegatedService extends Extensible {
  type: ClearingHouseServiceType;
  name?: string;
}

/** Any JSON value (for patches and untyped input). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

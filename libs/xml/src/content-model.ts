/**
 * The content model of `libs/xml/schema/pres-im-provisioning.xsd`, as the JSON mapping of
 * docs/provisioning.md ("JSON form") needs it: for every complex type, its attributes and its
 * child elements in schema (xs:sequence) order, which children repeat, and which elements have
 * text content. `content-model.spec.ts` derives the same model mechanically from the XSD and
 * checks that both agree, so this table cannot drift from the schema.
 */

export const PROVISIONING_NAMESPACE = 'urn:ietf:params:xml:ns:pres-im-provisioning';
export const ROOT_ELEMENT = 'pres-im-provisioning';

/** JSON type of a scalar (attribute value or text of a text-only element); fixed by name. */
export type ScalarKind = 'boolean' | 'integer' | 'number' | 'string';

export interface ChildDef {
  /** XML element name (kebab-case). */
  readonly name: string;
  /** Complex type, or `'simple'` for a text-only element (JSON scalar). */
  readonly type: ComplexType | 'simple';
  /** maxOccurs > 1: always a JSON array. */
  readonly repeat: boolean;
}

export interface ComplexType {
  /** Type name in the XSD (for messages and the consistency test). */
  readonly name: string;
  /** Attributes declared in our (no) namespace, in XSD order. */
  readonly attrs: readonly string[];
  /** Child elements of our namespace, in schema order. Empty for simple content. */
  readonly children: readonly ChildDef[];
  /** `xs:simpleContent`: the element's text goes under the JSON key `value`. */
  readonly text: boolean;
}

const BOOLEANS = new Set([
  'animated',
  'enabled',
  'listed',
  'mutual-auth',
  'nicknames',
  'only',
  'private-lists',
  'private-messages',
  'public-lists',
  'relay-required',
  'request-contained',
  'supported',
  'used',
  'user-consent-required',
  'visible-to-all',
]);
const INTEGERS = new Set(['code', 'max-connections', 'max-document-size', 'max-size', 'max-subscriptions', 'port']);
const NUMBERS = new Set(['max-message-rate', 'max-notify-rate']);

/** The JSON type of an attribute or text-only element, by XML name (docs/provisioning.md, rule 6). */
export function scalarKind(xmlName: string): ScalarKind {
  if (BOOLEANS.has(xmlName)) return 'boolean';
  if (INTEGERS.has(xmlName)) return 'integer';
  if (NUMBERS.has(xmlName)) return 'number';
  return 'string';
}

/** `dns-names` → `dnsNames` (docs rule 2). */
export function camel(xmlName: string): string {
  return xmlName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `dnsNames` → `dns-names`. */
export function kebab(jsonKey: string): string {
  return jsonKey.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers to declare the table compactly.

const S = 'simple' as const;
function ct(name: string, attrs: string[], children: ChildDef[] = [], text = false): ComplexType {
  return { name, attrs, children, text };
}
function one(name: string, type: ComplexType | 'simple'): ChildDef {
  return { name, type, repeat: false };
}
function many(name: string, type: ComplexType | 'simple'): ChildDef {
  return { name, type, repeat: true };
}
const supportFlag = ct('SupportFlag', ['supported']);

// Shared
const contact = ct('Contact', ['type'], [], true);
const feature = ct('Feature', ['uri', 'supported']);
const domainList = ct('DomainList', [], [many('domain', S)]);
const nonEmptyDomainList = ct('NonEmptyDomainList', [], [many('domain', S)]);

// 2.1 Connectivity
const connectivity = ct(
  'Connectivity',
  [],
  [
    one('domains', nonEmptyDomainList),
    one('dns-names', ct('DnsNames', [], [many('dns-name', ct('DnsName', ['service', 'protocol', 'port'], [], true))])),
    one('srv-records', ct('SrvRecords', ['used'])),
    one('tls', ct('Tls', ['only', 'mutual-auth', 'min-version'])),
    one('transports', ct('Transports', [], [many('transport', S)])),
    one('network-access', ct('NetworkAccess', [], [many('address', ct('Address', ['port', 'transport'], [], true))])),
    one(
      'certificates',
      ct(
        'Certificates',
        [],
        [many('presented', ct('PresentedCertificate', ['subject', 'issuer', 'not-after', 'sha256'])), many('accepted-issuer', S)],
      ),
    ),
    one('cipher-suites', ct('CipherSuites', [], [many('cipher-suite', S)])),
    one('compression', ct('Compression', [], [many('method', S)])),
    one('max-connections', S),
    one('provisioning-endpoints', ct('ProvisioningEndpoints', [], [many('endpoint', ct('Endpoint', ['method'], [], true))])),
    one('change-notification', ct('PeerChangeNotification', ['supported', 'uri'])),
  ],
);

// 2.2 Authorization & Privacy
const authorizationPrivacy = ct(
  'AuthorizationPrivacy',
  [],
  [
    one('view-sharing', ct('ViewSharing', ['supported', 'level'])),
    one('authorized-rls-domains', domainList),
    one('privacy-sharing', ct('PrivacySharing', ['supported', 'user-consent-required'])),
    one('common-notify', ct('CommonNotify', ['supported', 'watcher-list'])),
    one('privacy-filtering', ct('PrivacyFiltering', ['mode'])),
  ],
);

// 2.3 Presence Features
const presenceFeatures = ct(
  'PresenceFeatures',
  [],
  [
    one('pidf-extensions', ct('PidfExtensions', [], [many('extension', ct('PidfExtension', ['namespace', 'name']))])),
    one('pidf-mapping', ct('PidfMapping', [], [many('map', ct('PidfMap', ['local', 'namespace', 'element', 'value']))])),
    one('list-subscription', ct('ListSubscription', ['supported', 'public-lists', 'private-lists', 'request-contained'])),
    one('partial-notification', supportFlag),
    one('filtering', supportFlag),
    one('conditional-notification', supportFlag),
    one('rate-control', ct('RateControl', ['supported', 'min-interval'])),
    one('fetch', supportFlag),
    one('batched-notification', supportFlag),
    one('content-indirection', supportFlag),
    one('watcher-info', supportFlag),
    one('subscription-limits', ct('SubscriptionLimits', ['min-expires', 'max-expires', 'refresh-interval'])),
    one('identifier-reuse-hold', S),
    one('usage-profile', ct('UsageProfile', ['max-subscriptions', 'max-notify-rate', 'max-message-rate', 'max-document-size'])),
    one('error-codes', ct('ErrorCodes', [], [many('error', ct('ErrorCode', ['condition', 'code']))])),
  ],
);

// 2.4 Chat Features
const chatFeatures = ct(
  'ChatFeatures',
  [],
  [
    one('logging', ct('Logging', ['enabled', 'performed-by'])),
    one(
      'im-modes',
      ct(
        'ImModes',
        [],
        [
          one('page-mode', ct('PageMode', ['supported', 'max-size'])),
          many('session-mode', ct('SessionMode', ['supported', 'protocol', 'relay', 'relay-required'])),
        ],
      ),
    ),
    one('is-typing', supportFlag),
    one('rich-text', ct('RichText', ['supported'], [many('format', S)])),
    one('emoticons', ct('Emoticons', ['supported'], [many('emoticon', ct('Emoticon', ['text', 'meaning']))])),
    one('images', ct('Images', ['supported', 'animated', 'max-size'], [many('type', S)])),
    one('n-way-chat', ct('NWayChat', ['supported', 'service-uri', 'nicknames', 'private-messages'])),
    one('file-transfer', ct('FileTransfer', ['supported', 'max-size'])),
    one('multiple-recipient-message', supportFlag),
    one('delivery-notification', supportFlag),
    one('cpim', supportFlag),
  ],
);

// 2.5 Clearing house (the hub's own section). `member` embeds the root type: filled in below.
const memberChildren: ChildDef[] = [many('certificate', ct('MemberCertificate', ['sha256', 'subject', 'not-after']))];
export const MEMBER_TYPE = ct('Member', ['domain', 'status', 'ver', 'published', 'provisioning-uri'], memberChildren);
export const MEMBERS_TYPE = ct('Members', ['since'], [many('member', MEMBER_TYPE)]);
export const CLEARING_HOUSE_TYPE = ct(
  'ClearingHouse',
  [],
  [
    one('topology', ct('TopologyElement', ['mode'])),
    one('services', ct('OfferedServices', [], [many('service', ct('OfferedService', ['type', 'name', 'uri']))])),
    one('members', MEMBERS_TYPE),
  ],
);

// 2.5 A member's relation to one clearing house
const peerList = ct('PeerList', [], [many('peer', ct('Peer', ['domain']))]);
const clearingHouseMembership = ct(
  'ClearingHouseMembership',
  ['clearing-house'],
  [
    one('listed', S),
    one('peer-network-privacy', ct('PeerNetworkPrivacy', ['visible-to-all'], [one('allow', peerList), one('deny', peerList)])),
    one('delegated-services', ct('DelegatedServices', [], [many('service', ct('DelegatedService', ['type', 'name']))])),
    one('change-notification', ct('MemberChangeNotification', ['uri'])),
    one('chat-delivery', ct('MemberChatDelivery', ['uri'])),
  ],
);

export const ROOT_TYPE = ct(
  'ProvisioningDocument',
  ['version', 'role', 'domain', 'for', 'ver', 'generated', 'published', 'expires'],
  [
    many('contact', contact),
    one('connectivity', connectivity),
    one('authorization-privacy', authorizationPrivacy),
    one('presence-features', presenceFeatures),
    one('chat-features', chatFeatures),
    one('clearing-house', CLEARING_HOUSE_TYPE),
    many('clearing-house-membership', clearingHouseMembership),
    many('feature', feature),
  ],
);
memberChildren.push(one(ROOT_ELEMENT, ROOT_TYPE));

/** Root attributes that describe the copy, not the content: excluded from the canonical form. */
export const HUB_SET_ROOT_ATTRIBUTES: readonly string[] = ['for', 'ver', 'published', 'generated'];

/** Index of each type's children by XML name and by JSON key, built once. */
export interface TypeIndex {
  readonly byName: ReadonlyMap<string, ChildDef>;
  readonly attrSet: ReadonlySet<string>;
}
const indexCache = new WeakMap<ComplexType, TypeIndex>();
export function typeIndex(t: ComplexType): TypeIndex {
  let idx = indexCache.get(t);
  if (!idx) {
    idx = { byName: new Map(t.children.map((c) => [c.name, c])), attrSet: new Set(t.attrs) };
    indexCache.set(t, idx);
  }
  return idx;
}

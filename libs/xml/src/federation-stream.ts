import { create } from 'xmlbuilder2';
import { MEMBER_TYPE, PROVISIONING_NAMESPACE, ROOT_ELEMENT, ROOT_TYPE } from './content-model.js';
import { writeElement } from './json-to-xml.js';
import type { Member, MemberCertificate, MemberStatus, ProvisioningDocument } from './model.js';

/**
 * The aggregated view (`GET /v1/federation/provisioning`): the hub's own document
 * (`role="clearing-house"`) whose `clearing-house/members` lists every member visible to the
 * caller, each with its document embedded (`member/pres-im-provisioning`). Produced as a stream
 * of chunks — the document head, one chunk per member, the tail — so that thousands of members
 * never become one string in memory.
 */

export interface FederationHead {
  /** The hub's domain: root `@domain`. */
  hubDomain: string;
  /** The requestor the view is computed for: root `@for`. */
  for?: string;
  /** Delta view: `members/@since` (only members changed at or after it are listed). */
  since?: string | Date;
  /** Root `@generated`. */
  generated: string | Date;
  /** Root `@expires`. */
  expires?: string | Date;
  /**
   * The hub's own document (contacts, connectivity, chat features, clearing-house topology and
   * services…). Its `version`, `role`, `domain`, `for`, `ver`, `published`, `generated` and
   * `clearingHouse.members` are replaced. Without it, a minimal connectivity section is written
   * (one `dns-name` = hubDomain, SIP, any service), because the schema requires one.
   */
  document?: ProvisioningDocument;
}

export interface FederationMemberEntry {
  domain: string;
  status: MemberStatus;
  /** ver (ETag) of the document as served to this caller. */
  ver?: string;
  published?: string | Date;
  provisioningUri?: string;
  certificate?: MemberCertificate[];
  /** The member's document as served to this caller (embedded as `member/pres-im-provisioning`). */
  document?: ProvisioningDocument;
}

type Members = AsyncIterable<FederationMemberEntry> | Iterable<FederationMemberEntry>;

/** xs:dateTime in UTC with `Z`, without a zero millisecond part. */
export function xsDateTime(d: string | Date): string {
  return typeof d === 'string' ? d : d.toISOString().replace(/\.000Z$/, 'Z');
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The hub document without members (root attributes in schema order). */
function headModel(head: FederationHead, member?: Member[]): ProvisioningDocument {
  const base: Partial<ProvisioningDocument> = head.document ?? {};
  const {
    version: _v,
    role: _r,
    domain: _d,
    for: _f,
    ver: _ver,
    generated: _g,
    published: _p,
    expires,
    connectivity,
    clearingHouse,
    ...rest
  } = base;
  const members = compact({
    ...(clearingHouse?.members ?? {}),
    since: head.since === undefined ? undefined : xsDateTime(head.since),
    member,
  });
  const doc: ProvisioningDocument = compact({
    version: '1.0',
    role: 'clearing-house' as const,
    domain: head.hubDomain,
    for: head.for,
    generated: xsDateTime(head.generated),
    expires: head.expires !== undefined ? xsDateTime(head.expires) : expires,
    ...rest,
    connectivity: connectivity ?? {
      dnsNames: { dnsName: [{ service: 'any' as const, protocol: 'sip' as const, value: head.hubDomain }] },
    },
    clearingHouse: { ...(clearingHouse ?? {}), members },
  });
  return doc;
}

/** The JSON model of one `member` entry. */
export function memberModel(entry: FederationMemberEntry): Member {
  return compact({
    domain: entry.domain,
    status: entry.status,
    ver: entry.ver,
    published: entry.published === undefined ? undefined : xsDateTime(entry.published),
    provisioningUri: entry.provisioningUri,
    certificate: entry.certificate?.length ? entry.certificate : undefined,
    presImProvisioning: entry.document,
  });
}

const PLACEHOLDER_DOMAIN = 'members-placeholder.invalid';
const MEMBER_START_WITH_NS = `<member xmlns="${PROVISIONING_NAMESPACE}"`;

/** Serialize one member as an XML chunk (no namespace declaration: it sits inside the root). */
export function memberXml(entry: FederationMemberEntry): string {
  const b = create();
  writeElement(b, 'member', MEMBER_TYPE, memberModel(entry), `/clearingHouse/members/member(${entry.domain})`);
  const s = b.end({ headless: true });
  return s.startsWith(MEMBER_START_WITH_NS) ? `<member${s.slice(MEMBER_START_WITH_NS.length)}` : s;
}

/**
 * XML chunks of the aggregated document: the head (XML declaration, root start tag, the hub's
 * sections, `<clearing-house>…<members>`), then one chunk per member (each preceded by a
 * newline), then the tail. The result validates against the XSD when the entries and
 * documents are valid.
 */
export async function* federationDocumentStream(head: FederationHead, members: Members): AsyncIterable<string> {
  const b = create({ version: '1.0', encoding: 'UTF-8' });
  writeElement(b, ROOT_ELEMENT, ROOT_TYPE, headModel(head, [{ domain: PLACEHOLDER_DOMAIN, status: 'active' }]));
  const whole = b.end();
  const marker = `<member domain="${PLACEHOLDER_DOMAIN}" status="active"/>`;
  const at = whole.indexOf(marker);
  if (at === -1) throw new Error('federationDocumentStream: placeholder not found');
  yield whole.slice(0, at);
  for await (const entry of members) yield `\n${memberXml(entry)}`;
  yield `\n${whole.slice(at + marker.length)}\n`;
}

/**
 * JSON chunks of the same document in the JSON form: the head up to `"member":[`, one chunk per
 * member (comma-separated), then the tail. With no members the `member` key is omitted
 * (producers never emit empty arrays), so the first member is awaited before anything is
 * yielded.
 */
export async function* federationDocumentJsonStream(head: FederationHead, members: Members): AsyncIterable<string> {
  const it =
    Symbol.asyncIterator in members
      ? (members as AsyncIterable<FederationMemberEntry>)[Symbol.asyncIterator]()
      : toAsync((members as Iterable<FederationMemberEntry>)[Symbol.iterator]());
  let done = false;
  try {
    const first = await it.next();
    if (first.done) {
      done = true;
      yield JSON.stringify(headModel(head));
      return;
    }
    const sentinel = '@@federation-members@@';
    const marker = `"${sentinel}"`;
    const whole = JSON.stringify(headModel(head, [sentinel as unknown as Member]));
    const at = whole.indexOf(marker);
    if (at === -1) throw new Error('federationDocumentJsonStream: placeholder not found');
    yield whole.slice(0, at);
    yield JSON.stringify(memberModel(first.value));
    for (let r = await it.next(); !r.done; r = await it.next()) yield `,${JSON.stringify(memberModel(r.value))}`;
    done = true;
    yield whole.slice(at + marker.length);
  } finally {
    if (!done) await it.return?.();
  }
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return {
    next: async () => it.next(),
    return: async () => it.return?.() ?? { done: true, value: undefined },
  };
}

import {
  CONTACT_ROLES,
  ContactRole,
  hasLoneSurrogate,
  InvalidInputError,
  InvalidParam,
  isDomainOrSubdomain,
  LONE_SURROGATE_REASON,
  MEMBER_PROTOCOLS,
  MemberContacts,
  MemberProtocol,
  normalizeDomain,
} from '@app/common';

export interface MemberInput {
  domain: string;
  displayName: string;
  protocols: string[];
  contacts?: object;
}

export interface MemberPatch {
  displayName?: string;
  protocols?: string[];
  contacts?: object;
}

const CONTACT_SCHEMES = new Set(['mailto:', 'tel:', 'https:', 'http:', 'sip:', 'sips:', 'xmpp:', 'im:']);

export function normalizeProtocols(protocols: string[], problems: InvalidParam[]): MemberProtocol[] {
  const unique = [...new Set(protocols.map((p) => p.toLowerCase()))];
  if (unique.length === 0) problems.push({ name: 'protocols', reason: 'must list at least one protocol' });
  for (const p of unique) {
    if (!(MEMBER_PROTOCOLS as readonly string[]).includes(p)) {
      problems.push({ name: 'protocols', reason: `'${p}' is not one of ${MEMBER_PROTOCOLS.join(', ')}` });
    }
  }
  return unique as MemberProtocol[];
}

export function normalizeContacts(contacts: object, problems: InvalidParam[]): MemberContacts {
  const result: MemberContacts = {};
  for (const [role, value] of Object.entries(contacts as Record<string, unknown>)) {
    if (value === undefined) continue;
    const uris = Array.isArray(value) ? value.map(String) : [];
    if (!(CONTACT_ROLES as readonly string[]).includes(role)) {
      problems.push({ name: `contacts.${role}`, reason: `unknown contact role; use ${CONTACT_ROLES.join(', ')}` });
      continue;
    }
    const list: string[] = [];
    for (const [i, uri] of uris.entries()) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(uri);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !CONTACT_SCHEMES.has(parsed.protocol)) {
        problems.push({
          name: `contacts.${role}[${i}]`,
          reason: `'${uri}' is not a contact URI (mailto:, tel:, https:, sip:, xmpp:)`,
        });
      } else {
        list.push(uri);
      }
    }
    result[role as ContactRole] = list;
  }
  return result;
}

/**
 * Normalises and validates a registration; reports every problem at once. `hubDomain` and its
 * subdomains are the hub's own names (its relay chain, hub-hosted rooms): no member may hold them.
 */
export function normalizeMemberInput(input: MemberInput, hubDomain: string) {
  const problems: InvalidParam[] = [];
  let domain = '';
  try {
    domain = normalizeDomain(input.domain);
    if (isDomainOrSubdomain(domain, hubDomain)) {
      problems.push({ name: 'domain', reason: `'${domain}' is reserved for the clearing house itself` });
    }
  } catch (error) {
    if (error instanceof InvalidInputError) problems.push(...error.invalidParams);
    else throw error;
  }
  const displayName = normalizeDisplayName(input.displayName, problems);
  const protocols = normalizeProtocols(input.protocols, problems);
  const contacts = normalizeContacts(input.contacts ?? {}, problems);
  if (problems.length) throw new InvalidInputError('the member registration is invalid', problems);
  return { domain, displayName, protocols, contacts };
}

function normalizeDisplayName(input: string, problems: InvalidParam[]): string {
  const displayName = input.trim();
  if (!displayName) problems.push({ name: 'displayName', reason: 'must not be blank' });
  // stored as UTF-8, a lone surrogate would silently become U+FFFD
  else if (hasLoneSurrogate(displayName)) {
    problems.push({ name: 'displayName', reason: LONE_SURROGATE_REASON });
  }
  return displayName;
}

export function normalizeMemberPatch(patch: MemberPatch) {
  const problems: InvalidParam[] = [];
  const result: { displayName?: string; protocols?: MemberProtocol[]; contacts?: MemberContacts } = {};
  if (patch.displayName !== undefined) result.displayName = normalizeDisplayName(patch.displayName, problems);
  if (patch.protocols !== undefined) result.protocols = normalizeProtocols(patch.protocols, problems);
  if (patch.contacts !== undefined) result.contacts = normalizeContacts(patch.contacts, problems);
  if (problems.length) throw new InvalidInputError('the member update is invalid', problems);
  return result;
}

import { InvalidInputError, type InvalidParam } from '@app/common';
import { membershipFor } from '@app/interconnect';
import type { ProvisioningDocument } from '@app/xml';

const URI_KEYS = /(^uri$|Uri$|^relay$)/;
/** Elements whose text content (`value` in the JSON model) is a URI. */
const URI_VALUED = new Set(['endpoint', 'contact']);

function collectUris(value: unknown, path: string, out: Array<[string, string]>): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectUris(v, `${path}/${i}`, out));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$any') continue;
      if (typeof v === 'string' && URI_KEYS.test(key)) out.push([`${path}/${key}`, v]);
      else if (URI_VALUED.has(key) && Array.isArray(v)) {
        v.forEach((item: { value?: unknown }, i) => {
          if (typeof item?.value === 'string') out.push([`${path}/${key}/${i}/value`, item.value]);
        });
      } else collectUris(v, `${path}/${key}`, out);
    }
  }
}

function isWellFormedUri(uri: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(uri)) return false;
  if (/^https?:/i.test(uri)) {
    try {
      return Boolean(new URL(uri).hostname);
    } catch {
      return false;
    }
  }
  return true;
}

/** The hub's rule for the webhook it will call: why a change-notification URI is refused, or undefined. */
export interface WebhookRule {
  hubDomain: string;
  refusal(uri: string): string | undefined;
}

/**
 * Rules the XSD cannot express, checked before a member's document is stored: it describes the
 * caller's own domain, it has not expired, it is not a clearing-house document, its URIs are well formed
 * (libxml2's anyURI check accepts almost anything), and, with a `webhook` rule, the change-notification
 * URI of its membership of this hub is one the hub may call (https:, not an internal address).
 * Ports, enumerations and durations are the XSD's job.
 */
export function assertPublishable(
  doc: ProvisioningDocument,
  callerDomain: string,
  now = new Date(),
  webhook?: WebhookRule,
): void {
  const problems: InvalidParam[] = [];
  if (doc.domain.toLowerCase() !== callerDomain) {
    problems.push({ name: '/domain', reason: `must be the publishing member's domain ${callerDomain}, not ${doc.domain}` });
  }
  // peers would discard an expired document at once; refuse it instead of serving it
  if (doc.expires !== undefined && Date.parse(doc.expires) <= now.getTime()) {
    problems.push({ name: '/expires', reason: `the document expired at ${doc.expires}; publish it with a later expires` });
  }
  if (doc.role === 'clearing-house' || doc.clearingHouse) {
    problems.push({
      name: '/role',
      reason: 'a member publishes a peer-network or clearing-house-member document, not a clearing-house one',
    });
  }
  const uris: Array<[string, string]> = [];
  collectUris(doc, '', uris);
  for (const [name, uri] of uris) {
    if (!isWellFormedUri(uri)) problems.push({ name, reason: `'${uri}' is not a well-formed URI` });
  }
  if (webhook) problems.push(...webhookProblems(doc, webhook, problems));
  if (problems.length) throw new InvalidInputError('the provisioning document is not acceptable', problems);
}

/** The URIs the hub would call (its membership of this hub: webhook, chat gateway), unless already reported malformed. */
function webhookProblems(doc: ProvisioningDocument, rule: WebhookRule, reported: InvalidParam[]): InvalidParam[] {
  const membership = membershipFor(doc, rule.hubDomain);
  if (!membership) return [];
  const at = `/clearingHouseMembership/${doc.clearingHouseMembership?.indexOf(membership) ?? 0}`;
  const problems: InvalidParam[] = [];
  for (const [field, what, uri] of [
    ['changeNotification', 'webhook', membership.changeNotification?.uri],
    ['chatDelivery', 'chat gateway', membership.chatDelivery?.uri],
  ] as const) {
    const name = `${at}/${field}/uri`;
    if (uri === undefined || reported.some((p) => p.name === name)) continue;
    const refusal = rule.refusal(uri);
    if (refusal) problems.push({ name, reason: `the hub does not call this ${what}: ${refusal}` });
  }
  return problems;
}

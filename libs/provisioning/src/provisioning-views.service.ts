import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MemberEntity, MemberRepository, ProvisioningRepository, ProvisioningVersionEntity } from '@app/db';
import { decodeCursor, encodeCursor, NotFoundError, normalizeDomain } from '@app/common';
import {
  computeVer,
  federationDocumentJsonStream,
  federationDocumentStream,
  applyOverride,
  toProvisioningXml,
  type FederationMemberEntry,
  type ProvisioningDocument,
  type ProvisioningOverridePatch,
} from '@app/xml';
import { delegatedServicesOf, InterconnectDecisions, mayView, membershipFor, privacyOf } from '@app/interconnect';
import { hubOwnDocument } from './hub-document.js';
import { HUB_DOCUMENT, RenderedView, ViewCache, ViewFormat } from './view-cache.js';
import { ProvisioningMetrics } from './provisioning-metrics.js';

export interface ChangeEntry {
  domain: string;
  seq: number;
  ver: string;
  published: string;
}

/**
 * The documents the hub serves, computed for each requestor (null = anonymous): a member's
 * current document with that requestor's override, or the hub's own document listing the
 * members the requestor may see. A member the requestor may not see is reported exactly like
 * one that does not exist.
 */
@Injectable()
export class ProvisioningViews {
  private readonly logger = new Logger(ProvisioningViews.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly members: MemberRepository,
    private readonly provisioning: ProvisioningRepository,
    private readonly cache: ViewCache,
    private readonly decisions: InterconnectDecisions,
    private readonly metrics: ProvisioningMetrics,
  ) {}

  /** A member's document as `requestor` may see it; cached until the member changes. */
  async memberView(targetInput: string, requestor: string | null, format: ViewFormat): Promise<RenderedView> {
    const hit = this.peekMemberView(targetInput, requestor, format);
    if (hit) return hit;
    const target = normalizeDomain(targetInput);
    const cached = this.cache.get(target, requestor, format);
    if (cached) {
      this.metrics.cacheHits.value++;
      return cached;
    }
    this.metrics.cacheMisses.value++;
    const epoch = this.cache.epoch;
    const doc = await this.computeMemberDocument(target, requestor);
    if (!doc) throw new NotFoundError(`no provisioning document for ${target}`);
    const view = render(doc, format);
    this.cache.set(target, requestor, format, view, epoch);
    return view;
  }

  /**
   * The cached view of `target` for `requestor`, looked up by the domain exactly as given (the path
   * segment is almost always already normalised, so this skips IDNA); undefined when it is not
   * cached under that spelling. Synchronous and free of I/O, for the well-known fast path: a miss
   * goes through memberView, which computes, checks visibility and caches. Views are dropped on
   * every change of the member, of the policy, or ALL_CHANGED (ViewCache), so a hit is current.
   */
  peekMemberView(target: string, requestor: string | null, format: ViewFormat): RenderedView | undefined {
    const view = this.cache.get(target, requestor, format);
    // a miss here is counted by memberView, which the caller goes on to (the fast path: through Fastify)
    if (view) this.metrics.cacheHits.value++;
    return view;
  }

  /** The hub's own document (role clearing-house) listing the members visible to `requestor`. */
  async hubView(requestor: string | null, format: ViewFormat): Promise<RenderedView> {
    const cached = this.cache.get(HUB_DOCUMENT, requestor, format);
    if (cached) {
      this.metrics.cacheHits.value++;
      return cached;
    }
    this.metrics.cacheMisses.value++;
    const epoch = this.cache.epoch;
    let body = '';
    for await (const chunk of this.federationStream(requestor, format, { embedDocuments: false })) body += chunk;
    const ver = createHash('sha256').update(body).digest('base64url');
    const view: RenderedView = { body: Buffer.from(body), ver, etag: etagOf(ver, format) };
    this.cache.set(HUB_DOCUMENT, requestor, format, view, epoch);
    return view;
  }

  /**
   * The aggregated federation document, streamed member by member (never built whole):
   * every member visible to `requestor` with its document embedded; with `since`, only members
   * whose document or status changed at or after it.
   */
  federationStream(
    requestor: string | null,
    format: ViewFormat,
    options: { embedDocuments: boolean; since?: Date },
  ): AsyncIterable<string> {
    const head = {
      hubDomain: this.config.hub.domain,
      for: requestor ?? undefined,
      since: options.since,
      generated: new Date(),
      document: hubOwnDocument(this.config),
    };
    const entries = this.visibleEntries(requestor, options);
    return format === 'json' ? federationDocumentJsonStream(head, entries) : federationDocumentStream(head, entries);
  }

  /** Published versions after `cursor` that `requestor` may see, oldest first (the polling feed). */
  async changes(
    requestor: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: ChangeEntry[]; nextCursor: string }> {
    let afterId = '0';
    if (cursor) {
      afterId = decodeCursor(cursor, { id: 'bigint' }).id;
    }
    const rows = await this.provisioning.listPublishedAfter(afterId, limit);
    const items: ChangeEntry[] = [];
    for (const { version, member } of rows) {
      const current = await this.provisioning.findCurrent(member.id);
      if (!(await this.canSee(requestor, member, current?.document))) continue;
      items.push({ domain: member.domain, seq: version.seq, ver: version.ver, published: version.publishedAt.toISOString() });
    }
    const last = rows.at(-1);
    return { items, nextCursor: encodeCursor({ id: last ? last.version.id : afterId }) };
  }

  /** Members (with a change-notification URI) allowed to see `domain`'s current document. */
  async subscribersOf(domain: string): Promise<Array<{ domain: string; url: string }>> {
    const target = await this.members.findByDomain(domain);
    if (!target) return [];
    const targetCurrent = await this.provisioning.findCurrent(target.id);
    const subscribers: Array<{ domain: string; url: string }> = [];
    for await (const { member, current } of this.provisioning.streamMembersWithCurrent()) {
      if (member.domain === domain || member.status !== 'active') continue;
      if (!(await this.canSee(member.domain, target, targetCurrent?.document))) continue;
      const url = membershipFor(current?.document as ProvisioningDocument | undefined, this.config.hub.domain)?.changeNotification
        ?.uri;
      if (url) subscribers.push({ domain: member.domain, url });
    }
    return subscribers;
  }

  private async computeMemberDocument(target: string, requestor: string | null): Promise<ProvisioningDocument | null> {
    const member = await this.members.findByDomain(target);
    if (!member) return null;
    const current = await this.provisioning.findCurrent(member.id);
    if (!current) return null;
    const base = current.document as unknown as ProvisioningDocument;
    if (!(await this.canSee(requestor, member, base))) return null;
    const override = requestor && requestor !== target ? await this.provisioning.findOverride(member.id, requestor) : null;
    return this.servedDocument(member, current, requestor, override?.patch as ProvisioningOverridePatch | undefined);
  }

  /**
   * What a requestor receives: the stored document, with its override merged, without the
   * membership block (its allow/deny lists and webhook are the member's business with the hub,
   * not its peers'), stamped with `for`, `published` and the ver of this very content.
   */
  private async servedDocument(
    member: MemberEntity,
    current: ProvisioningVersionEntity,
    requestor: string | null,
    patch: ProvisioningOverridePatch | undefined,
  ): Promise<ProvisioningDocument> {
    let doc = current.document as unknown as ProvisioningDocument;
    if (patch) doc = await this.withOverride(member.domain, doc, patch);
    if (requestor !== member.domain) {
      doc = withDelegatedLogging(doc, this.config.hub.domain);
      const { clearingHouseMembership: _hidden, ...rest } = doc;
      doc = rest as ProvisioningDocument;
    }
    const ver = patch || requestor !== member.domain ? computeVer(doc) : current.ver;
    return { ...doc, for: requestor ?? undefined, ver, published: current.publishedAt.toISOString() };
  }

  /**
   * Anonymous callers and a member looking at itself are answered from the Peer Network Privacy
   * alone; between members the one visibility rule of the decision function decides (blocks
   * included), so provisioning views, change notifications and verification never disagree.
   */
  async canSee(requestor: string | null, target: MemberEntity, document: unknown): Promise<boolean> {
    if (requestor === null || requestor === target.domain) {
      return mayView(requestor, target, privacyOf(document as ProvisioningDocument | null | undefined, this.config.hub.domain));
    }
    return this.decisions.visible(requestor, target.domain);
  }

  /**
   * An override was valid against the version current when it was stored; a later version may
   * make the merge invalid. The peer then gets the member's plain document rather than an
   * invalid one (validation runs only when a view is computed, not on cache hits).
   */
  private async withOverride(
    domain: string,
    base: ProvisioningDocument,
    patch: ProvisioningOverridePatch,
  ): Promise<ProvisioningDocument> {
    try {
      return await applyOverride(base, patch);
    } catch (error) {
      this.logger.warn(
        `override of ${domain} no longer fits its current document, serving the document unchanged: ${(error as Error).message}`,
      );
      return base;
    }
  }

  private async *visibleEntries(
    requestor: string | null,
    options: { embedDocuments: boolean; since?: Date },
  ): AsyncGenerator<FederationMemberEntry> {
    const overrides = requestor
      ? await this.provisioning.overridesForPeer(requestor)
      : new Map<string, Record<string, unknown>>();
    for await (const { member, current } of this.provisioning.streamMembersWithCurrent(options.since)) {
      const base = (current?.document ?? null) as ProvisioningDocument | null;
      if (!(await this.canSee(requestor, member, base))) continue;
      if (member.status !== 'active' && member.domain !== requestor) continue;
      const entry: FederationMemberEntry = {
        domain: member.domain,
        status: member.status,
        provisioningUri: `${this.config.hub.publicBaseUrl}/.well-known/pres-im-provisioning/${member.domain}`,
      };
      if (current) {
        entry.published = current.publishedAt;
        const patch =
          member.domain === requestor ? undefined : (overrides.get(member.id) as ProvisioningOverridePatch | undefined);
        // ver is that of the copy this caller receives, so it matches the member view's ETag
        const { for: _for, ...document } = await this.servedDocument(member, current, requestor, patch);
        entry.ver = document.ver;
        if (options.embedDocuments) entry.document = document;
      }
      yield entry;
    }
  }
}

export function etagOf(ver: string, format: ViewFormat): string {
  return format === 'xml' ? `"${ver}"` : `"${ver}.json"`;
}

function render(doc: ProvisioningDocument, format: ViewFormat): RenderedView {
  const ver = doc.ver as string;
  const body = format === 'xml' ? toProvisioningXml(doc) : JSON.stringify(doc);
  return { body: Buffer.from(body), ver, etag: etagOf(ver, format) };
}

/**
 * A member that delegated logging to the hub has its messages logged centrally whatever its own
 * document says about logging: peers are told so (reference §7.1), so they can warn their users.
 */
function withDelegatedLogging(doc: ProvisioningDocument, hubDomain: string): ProvisioningDocument {
  if (!delegatedServicesOf(doc, hubDomain).has('logging')) return doc;
  return { ...doc, chatFeatures: { ...doc.chatFeatures, logging: { enabled: true, performedBy: 'clearing-house' } } };
}

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { EntityManager } from 'typeorm';
import {
  MemberRepository,
  memberChangeKey,
  ProvisioningOverrideEntity,
  ProvisioningRepository,
  ProvisioningVersionEntity,
  TransactionRunner,
} from '@app/db';
import { ActorContext, ConflictError, decodeCursor, encodeCursor, NotFoundError, normalizeDomain, Page } from '@app/common';
import { AuditTrail } from '@app/audit';
import { DestinationPolicy } from '@app/outbound';
import { JobName, OutboxWriter } from '@app/queue';
import {
  applyOverride,
  assertOverridePatch,
  computeVer,
  HUB_SET_ROOT_ATTRIBUTES,
  parseProvisioningJson,
  parseProvisioningXml,
  type ProvisioningDocument,
  type ProvisioningOverridePatch,
} from '@app/xml';
import { assertPublishable } from './publish-checks.js';

export type DocumentInput = { format: 'xml'; body: Buffer | string } | { format: 'json'; body: unknown };

export interface PublishResult {
  version: ProvisioningVersionEntity;
  /** false when the content equals the current version (same ver): nothing new was stored */
  created: boolean;
}

/** Maximum size of a provisioning document; larger bodies are refused with 413 before parsing. */
export const MAX_DOCUMENT_BYTES = 256 * 1024;

/** Publishing, versions and per-peer overrides of members' provisioning documents. */
@Injectable()
export class ProvisioningService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly members: MemberRepository,
    private readonly provisioning: ProvisioningRepository,
    private readonly audit: AuditTrail,
    private readonly outbox: OutboxWriter,
    private readonly destinations: DestinationPolicy,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Parses (hostile-XML gate, XSD, semantics), then stores a new immutable version unless the content is unchanged. */
  async publish(memberDomain: string, input: DocumentInput, actor: ActorContext): Promise<PublishResult> {
    const parsed =
      input.format === 'xml'
        ? await parseProvisioningXml(input.body, { maxBytes: MAX_DOCUMENT_BYTES })
        : await parseProvisioningJson(input.body, { maxBytes: MAX_DOCUMENT_BYTES });
    assertPublishable(parsed, memberDomain, new Date(), {
      hubDomain: this.config.hub.domain,
      refusal: (uri) => this.destinations.urlRefusal(uri),
    });
    const document = stripHubAttributes(parsed);
    const ver = computeVer(document);
    // an unchanged document announces nothing
    const announce = (r: PublishResult) => (r.created ? [memberChangeKey(memberDomain)] : []);
    return this.tx.runAndAnnounce(announce, async (manager): Promise<PublishResult> => {
      const member = await this.members.lockByDomain(memberDomain, manager);
      if (!member) throw new NotFoundError(`no member with domain ${memberDomain}`);
      const current = await this.provisioning.findCurrent(member.id, manager);
      if (current?.ver === ver) return { version: current, created: false };
      const version = await this.provisioning.insertVersion(
        {
          memberId: member.id,
          seq: (current?.seq ?? 0) + 1,
          ver,
          document: document as unknown as Record<string, unknown>,
          publishedBy: actor.id,
        },
        manager,
      );
      await this.audit.record(
        actor,
        { action: 'provisioning.published', targetType: 'member', targetId: member.domain, details: { seq: version.seq, ver } },
        manager,
      );
      await this.outbox.enqueue(
        JobName.ProvisioningPublished,
        {
          memberId: member.id,
          domain: member.domain,
          versionId: version.id,
          seq: version.seq,
          ver,
          publishedAt: version.publishedAt.toISOString(),
        },
        manager,
      );
      return { version, created: true };
    });
  }

  async current(memberDomain: string): Promise<ProvisioningVersionEntity> {
    const member = await this.requireMember(memberDomain);
    const current = await this.provisioning.findCurrent(member.id);
    if (!current) throw new NotFoundError(`${memberDomain} has not published a provisioning document`);
    return current;
  }

  async versions(memberDomain: string, cursor: string | undefined, limit: number): Promise<Page<ProvisioningVersionEntity>> {
    const member = await this.requireMember(memberDomain);
    const before = cursor ? Number(decodeCursor(cursor, { seq: 'int' }).seq) : undefined;
    const items = await this.provisioning.listVersions(member.id, before, limit);
    const last = items.at(-1);
    return { items, nextCursor: items.length === limit && last ? encodeCursor({ seq: last.seq }) : null };
  }

  async version(memberDomain: string, seq: number): Promise<ProvisioningVersionEntity> {
    const member = await this.requireMember(memberDomain);
    const version = await this.provisioning.findVersion(member.id, seq);
    if (!version) throw new NotFoundError(`${memberDomain} has no provisioning version ${seq}`);
    return version;
  }

  /** Stores the patch served to one peer; validated against the current document when there is one. */
  async putOverride(
    memberDomain: string,
    peerInput: string,
    patch: unknown,
    actor: ActorContext,
  ): Promise<ProvisioningOverrideEntity> {
    const peerDomain = normalizeDomain(peerInput, 'peerDomain');
    if (peerDomain === memberDomain) throw new ConflictError('an override for your own domain would never be served');
    assertOverridePatch(patch);
    const member = await this.requireMember(memberDomain);
    const current = await this.provisioning.findCurrent(member.id);
    if (!current) throw new ConflictError('publish a document before adding overrides to it');
    // the peer must receive a document the hub would have accepted from the member itself
    assertPublishable(
      await applyOverride(current.document as unknown as ProvisioningDocument, patch as ProvisioningOverridePatch),
      memberDomain,
    );
    return this.changeOverrides(memberDomain, async (manager) => {
      const saved = await this.provisioning.upsertOverride(member.id, peerDomain, patch as Record<string, unknown>, manager);
      await this.audit.record(
        actor,
        { action: 'provisioning.override.put', targetType: 'member', targetId: memberDomain, details: { peerDomain } },
        manager,
      );
      return saved;
    });
  }

  async listOverrides(memberDomain: string): Promise<ProvisioningOverrideEntity[]> {
    const member = await this.requireMember(memberDomain);
    return this.provisioning.listOverrides(member.id);
  }

  async deleteOverride(memberDomain: string, peerInput: string, actor: ActorContext): Promise<void> {
    const peerDomain = normalizeDomain(peerInput, 'peerDomain');
    const member = await this.requireMember(memberDomain);
    await this.changeOverrides(memberDomain, async (manager) => {
      if (!(await this.provisioning.deleteOverride(member.id, peerDomain, manager))) {
        throw new NotFoundError(`no override for ${peerDomain}`);
      }
      await this.audit.record(
        actor,
        { action: 'provisioning.override.deleted', targetType: 'member', targetId: memberDomain, details: { peerDomain } },
        manager,
      );
    });
  }

  private changeOverrides<T>(memberDomain: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.tx.runAndAnnounce([memberChangeKey(memberDomain)], work);
  }

  private async requireMember(domain: string) {
    const member = await this.members.findByDomain(domain);
    if (!member) throw new NotFoundError(`no member with domain ${domain}`);
    return member;
  }
}

/** The hub sets `for`, `ver`, `published` and `generated` when serving; they are not part of the stored content. */
export function stripHubAttributes(doc: ProvisioningDocument): ProvisioningDocument {
  const copy: Record<string, unknown> = { ...doc };
  for (const key of HUB_SET_ROOT_ATTRIBUTES) delete copy[key];
  return copy as unknown as ProvisioningDocument;
}

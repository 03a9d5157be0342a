import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MemberEntity, MemberRepository, memberChangeKey, TransactionRunner } from '@app/db';
import { JobName, OutboxWriter } from '@app/queue';
import {
  ActorContext,
  ConflictError,
  decodeCursor,
  encodeCursor,
  issueToken,
  MemberStatus,
  NotFoundError,
  Page,
  normalizeDomain,
} from '@app/common';
import { AuditTrail } from '@app/audit';
import { ApiKeysService, IssuedApiKey } from './api-keys.service.js';
import { LifecycleAction, nextStatus } from './member-lifecycle.js';
import { MemberInput, MemberPatch, normalizeMemberInput, normalizeMemberPatch } from './member-input.js';

export interface MemberListQuery {
  status?: MemberStatus;
  cursor?: string;
  limit: number;
}

const APPLICATION_REFUSED = 'member.application-refused';

/** What an applicant is told about its application (and may ask again by id). */
export interface ApplicationReceipt {
  id: string;
  domain: string;
  status: MemberStatus;
  statusChangedAt: Date;
}

/** The member registry and its lifecycle. Every change is audited and announced through the outbox. */
@Injectable()
export class MembersService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly members: MemberRepository,
    private readonly audit: AuditTrail,
    private readonly outbox: OutboxWriter,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /**
   * A Peer Network applies for membership itself (unauthenticated); the result is pending. The claim
   * secret, returned once and stored hashed, collects the first API key after approval
   * (ApiKeysService.collect). An application for a domain that is already registered gets the same
   * answer as any other, claim secret included (an unknown caller must not learn which domains are
   * members, hidden ones included): nothing is stored but an audit entry for the operators, from which
   * the status route keeps answering `pending` for that id; its claim secret is stored nowhere, so it
   * collects nothing.
   */
  async apply(input: MemberInput, actor: ActorContext): Promise<{ application: ApplicationReceipt; claimSecret: string }> {
    const normalized = normalizeMemberInput(input, this.config.hub.domain);
    const claim = issueToken('applicationClaim');
    const application = await this.tx.run(async (manager): Promise<ApplicationReceipt> => {
      const member = await this.insert(normalized, actor, 'self', 'member.applied', manager, claim.hash);
      if (member) return member;
      const id = randomUUID();
      await this.audit.record(
        actor,
        {
          action: APPLICATION_REFUSED,
          targetType: 'application',
          targetId: id,
          reason: 'the domain is already registered',
          details: { domain: normalized.domain },
        },
        manager,
      );
      return { id, domain: normalized.domain, status: 'pending', statusChangedAt: new Date() };
    });
    return { application, claimSecret: claim.token };
  }

  /** An operator registers a Peer Network; it still starts pending and needs approval. */
  async create(input: MemberInput, actor: ActorContext): Promise<MemberEntity> {
    const normalized = normalizeMemberInput(input, this.config.hub.domain);
    return this.tx.run(async (manager) => {
      const member = await this.insert(normalized, actor, 'operator', 'member.created', manager);
      if (!member)
        throw new ConflictError(`a member with domain ${normalized.domain} is already registered`, { domain: normalized.domain });
      return member;
    });
  }

  /** Inserts a pending member, audited and announced; null when the domain is taken. */
  private async insert(
    normalized: ReturnType<typeof normalizeMemberInput>,
    actor: ActorContext,
    appliedBy: 'self' | 'operator',
    action: string,
    manager: EntityManager,
    claimSecretHash: string | null = null,
  ): Promise<MemberEntity | null> {
    const member = await this.members.insertIfDomainFree(
      { ...normalized, status: 'pending', statusChangedAt: new Date(), statusReason: null, appliedBy, claimSecretHash },
      manager,
    );
    if (!member) return null;
    await this.audit.record(
      actor,
      { action, targetType: 'member', targetId: member.domain, details: { id: member.id } },
      manager,
    );
    await this.outbox.enqueue(JobName.MemberStatusChanged, this.statusEvent(member, null), manager);
    return member;
  }

  async get(domainInput: string): Promise<MemberEntity> {
    const domain = normalizeDomain(domainInput);
    const member = await this.members.findByDomain(domain);
    if (!member) throw new NotFoundError(`no member with domain ${domain}`);
    return member;
  }

  async getApplication(id: string): Promise<ApplicationReceipt> {
    const uuid = /^[0-9a-f-]{36}$/i.test(id);
    const member = uuid ? await this.members.findById(id) : null;
    if (member) return member;
    const [refused] = uuid
      ? (await this.audit.list({ action: APPLICATION_REFUSED, targetType: 'application', targetId: id.toLowerCase(), limit: 1 }))
          .items
      : [];
    if (!refused) throw new NotFoundError(`no application with id ${id}`);
    // an application for a taken domain stays pending, as a real one does until an operator decides
    return { id: refused.targetId, domain: String(refused.details.domain), status: 'pending', statusChangedAt: refused.at };
  }

  async list(query: MemberListQuery): Promise<Page<MemberEntity>> {
    const afterDomain = query.cursor ? decodeCursor(query.cursor, { domain: 'text' }).domain : undefined;
    const items = await this.members.list({ status: query.status, afterDomain, limit: query.limit });
    const last = items.at(-1);
    return { items, nextCursor: items.length === query.limit && last ? encodeCursor({ domain: last.domain }) : null };
  }

  async update(domainInput: string, patch: MemberPatch, actor: ActorContext): Promise<MemberEntity> {
    const changes = normalizeMemberPatch(patch);
    return this.withLockedMember(domainInput, async (member, manager) => {
      if (member.status === 'withdrawn') throw new ConflictError('a withdrawn member cannot be changed');
      Object.assign(member, changes);
      const saved = await this.members.save(member, manager);
      await this.audit.record(
        actor,
        { action: 'member.updated', targetType: 'member', targetId: member.domain, details: { changes } },
        manager,
      );
      return saved;
    });
  }

  approve(domain: string, reason: string | null, actor: ActorContext): Promise<{ member: MemberEntity; apiKey: IssuedApiKey }> {
    return this.withLockedMember(domain, async (member, manager) => {
      const updated = await this.transition(member, 'approve', reason, actor, manager);
      const apiKey = await this.apiKeys.issueWithin(updated, 'initial', actor, manager);
      return { member: updated, apiKey };
    });
  }

  changeStatus(domain: string, action: Exclude<LifecycleAction, 'approve'>, reason: string | null, actor: ActorContext) {
    return this.withLockedMember(domain, (member, manager) => this.transition(member, action, reason, actor, manager));
  }

  private async transition(
    member: MemberEntity,
    action: LifecycleAction,
    reason: string | null,
    actor: ActorContext,
    manager: EntityManager,
  ): Promise<MemberEntity> {
    const from = member.status;
    member.status = nextStatus(from, action);
    member.statusReason = reason;
    member.statusChangedAt = new Date();
    const saved = await this.members.save(member, manager);
    await this.audit.record(
      actor,
      { action: `member.${action}`, targetType: 'member', targetId: member.domain, reason, details: { from, to: saved.status } },
      manager,
    );
    await this.outbox.enqueue(JobName.MemberStatusChanged, this.statusEvent(saved, from), manager);
    return saved;
  }

  private async withLockedMember<T>(
    domainInput: string,
    work: (member: MemberEntity, manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const domain = normalizeDomain(domainInput);
    return this.tx.runAndAnnounce([memberChangeKey(domain)], async (manager) => {
      const member = await this.members.lockByDomain(domain, manager);
      if (!member) throw new NotFoundError(`no member with domain ${domain}`);
      return work(member, manager);
    });
  }

  private statusEvent(member: MemberEntity, from: MemberStatus | null) {
    return {
      memberId: member.id,
      domain: member.domain,
      from,
      to: member.status,
      reason: member.statusReason,
      at: member.statusChangedAt.toISOString(),
    };
  }
}

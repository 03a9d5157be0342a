import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MemberEntity, MemberRepository, memberChangeKey, TransactionRunner } from '@app/db';
import { JobName, OutboxWriter } from '@app/queue';
import {
  ActorContext,
  ConflictError,
  decodeCursor,
  encodeCursor,
  NotFoundError,
  Page,
  normalizeDomain,
  MemberStatus,
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

/** The member registry and its lifecycle. Every change is audited and announced through the outbox. */
@Injectable()
export class MembersService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly members: MemberRepository,
    private readonly audit: AuditTrail,
    private readonly outbox: OutboxWriter,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** A Peer Network applies for membership itself (unauthenticated); the result is pending. */
  apply(input: MemberInput, actor: ActorContext): Promise<MemberEntity> {
    return this.register(input, actor, 'self', 'member.applied');
  }

  /** An operator registers a Peer Network; it still starts pending and needs approval. */
  create(input: MemberInput, actor: ActorContext): Promise<MemberEntity> {
    return this.register(input, actor, 'operator', 'member.created');
  }

  private async register(
    input: MemberInput,
    actor: ActorContext,
    appliedBy: 'self' | 'operator',
    action: string,
  ): Promise<MemberEntity> {
    const normalized = normalizeMemberInput(input);
    return this.tx.run(async (manager) => {
      const member = await this.members.insertIfDomainFree(
        { ...normalized, status: 'pending', statusChangedAt: new Date(), statusReason: null, appliedBy },
        manager,
      );
      if (!member)
        throw new ConflictError(`a member with domain ${normalized.domain} is already registered`, { domain: normalized.domain });
      await this.audit.record(
        actor,
        { action, targetType: 'member', targetId: member.domain, details: { id: member.id } },
        manager,
      );
      await this.outbox.enqueue(JobName.MemberStatusChanged, this.statusEvent(member, null), manager);
      return member;
    });
  }

  async get(domainInput: string): Promise<MemberEntity> {
    const domain = normalizeDomain(domainInput);
    const member = await this.members.findByDomain(domain);
    if (!member) throw new NotFoundError(`no member with domain ${domain}`);
    return member;
  }

  async getApplication(id: string): Promise<MemberEntity> {
    const member = /^[0-9a-f-]{36}$/i.test(id) ? await this.members.findById(id) : null;
    if (!member) throw new NotFoundError(`no application with id ${id}`);
    return member;
  }

  async list(query: MemberListQuery): Promise<Page<MemberEntity>> {
    const afterDomain = query.cursor ? decodeCursor(query.cursor, ['domain'] as const).domain : undefined;
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

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PeeringAgreementEntity, PolicyRepository, TransactionRunner } from '@app/db';
import {
  ActorContext,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  normalizeDomain,
  FederationMode,
  PeeringService,
} from '@app/common';
import { AuditTrail } from '@app/audit';
import { InterconnectDecisions } from './interconnect-decisions.service.js';
import { POLICY_CHANGE_KEY } from './policy-change.js';
import { TransparencyLog } from './transparency-log.service.js';

/**
 * Federation mode, peering offers/agreements and blocks. Every change is audited, appended to
 * the transparency log and announced in the same transaction, so decisions change at once and
 * consistently in every process.
 */
@Injectable()
export class PeeringPolicyService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly policy: PolicyRepository,
    private readonly audit: AuditTrail,
    private readonly transparency: TransparencyLog,
    private readonly decisions: InterconnectDecisions,
  ) {}

  mode(): Promise<FederationMode> {
    return this.policy.mode();
  }

  setMode(mode: FederationMode, reason: string | null, actor: ActorContext): Promise<void> {
    return this.change(async (manager) => {
      const previous = await this.policy.mode(manager);
      await this.policy.setMode(mode, actor.id, manager);
      await this.audit.record(
        actor,
        { action: 'federation.mode', targetType: 'federation', targetId: 'mode', reason, details: { previous, mode } },
        manager,
      );
      await this.transparency.append({ kind: 'federation.mode', subjects: [], entry: { previous, mode, reason } }, manager);
    });
  }

  async offer(
    from: string,
    toInput: string,
    services: PeeringService[],
    expiresAt: Date | null,
    actor: ActorContext,
  ): Promise<PeeringAgreementEntity> {
    const to = normalizeDomain(toInput, 'peer');
    if (to === from) throw InvalidInputError.forField('peer', 'a member cannot peer with itself');
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw InvalidInputError.forField('expiresAt', 'must be in the future');
    // the one visibility rule: a member that is inactive, blocked either way or hiding from the
    // caller is answered exactly like a domain that is not a member, and gets no offer
    if (!(await this.decisions.visible(from, to))) throw new NotFoundError(`no active member ${to}`);
    return this.change(async (manager) => {
      const agreement = await this.policy.insertAgreement(
        { offererDomain: from, offereeDomain: to, services: [...new Set(services)], expiresAt, state: 'offered' },
        manager,
      );
      await this.record(actor, 'peering.offered', agreement, manager);
      return agreement;
    });
  }

  /** The offeree accepts or rejects an offer that is still open and not expired. */
  decide(id: string, member: string, accept: boolean, actor: ActorContext): Promise<PeeringAgreementEntity> {
    return this.withAgreement(id, member, async (agreement, manager) => {
      if (agreement.offereeDomain !== member)
        throw new ForbiddenError('only the member the offer was made to can accept or reject it');
      if (agreement.state !== 'offered') throw new ConflictError(`the offer is ${agreement.state}`);
      if (agreement.expiresAt && agreement.expiresAt.getTime() <= Date.now()) throw new ConflictError('the offer has expired');
      agreement.state = accept ? 'accepted' : 'rejected';
      agreement.decidedAt = new Date();
      const saved = await this.policy.saveAgreement(agreement, manager);
      await this.record(actor, accept ? 'peering.accepted' : 'peering.rejected', saved, manager);
      return saved;
    });
  }

  /** Either side ends an offer or agreement; it stops counting at once. */
  revoke(id: string, member: string, actor: ActorContext): Promise<PeeringAgreementEntity> {
    return this.withAgreement(id, member, async (agreement, manager) => {
      if (agreement.state !== 'offered' && agreement.state !== 'accepted')
        throw new ConflictError(`the agreement is ${agreement.state}`);
      agreement.state = 'revoked';
      agreement.revokedAt = new Date();
      agreement.revokedBy = member;
      const saved = await this.policy.saveAgreement(agreement, manager);
      await this.record(actor, 'peering.revoked', saved, manager);
      return saved;
    });
  }

  /** The member's agreements with the members it may see (the one visibility rule). */
  async agreementsOf(member: string): Promise<PeeringAgreementEntity[]> {
    const directory = await this.decisions.directory();
    return (await this.policy.agreementsOf(member)).filter((a) => directory.visible(member, counterpartOf(a, member)));
  }

  /** A member blocks a peer (scope member) or operators forbid a pair (scope operator, stored sorted). */
  block(scope: 'member' | 'operator', a: string, bInput: string, reason: string | null, actor: ActorContext): Promise<void> {
    const [blocker, blocked] = this.pair(scope, a, bInput);
    return this.change(async (manager) => {
      if (
        !(await this.policy.insertBlock(
          { scope, blockerDomain: blocker, blockedDomain: blocked, reason, createdBy: actor.id },
          manager,
        ))
      ) {
        throw new ConflictError('this block already exists');
      }
      await this.audit.record(
        actor,
        { action: `block.${scope}.added`, targetType: 'member', targetId: blocked, reason, details: { blocker } },
        manager,
      );
      await this.transparency.append(
        { kind: `block.${scope}.added`, subjects: [blocker, blocked], entry: { scope, blocker, blocked, reason } },
        manager,
      );
    });
  }

  unblock(scope: 'member' | 'operator', a: string, bInput: string, actor: ActorContext): Promise<void> {
    const [blocker, blocked] = this.pair(scope, a, bInput);
    return this.change(async (manager) => {
      if (!(await this.policy.deleteBlock(scope, blocker, blocked, manager))) throw new NotFoundError('no such block');
      await this.audit.record(
        actor,
        { action: `block.${scope}.removed`, targetType: 'member', targetId: blocked, details: { blocker } },
        manager,
      );
      await this.transparency.append(
        { kind: `block.${scope}.removed`, subjects: [blocker, blocked], entry: { scope, blocker, blocked } },
        manager,
      );
    });
  }

  blocks(scope: 'member' | 'operator', blocker?: string) {
    return this.policy.blocksBy(scope, blocker);
  }

  private pair(scope: 'member' | 'operator', a: string, bInput: string): [string, string] {
    const first = normalizeDomain(a, scope === 'member' ? 'member' : 'a');
    const second = normalizeDomain(bInput, scope === 'member' ? 'peer' : 'b');
    if (first === second) throw InvalidInputError.forField('peer', 'cannot block a domain from itself');
    return scope === 'operator' && second < first ? [second, first] : [first, second];
  }

  private async record(actor: ActorContext, kind: string, a: PeeringAgreementEntity, manager: EntityManager): Promise<void> {
    const entry = {
      id: a.id,
      offerer: a.offererDomain,
      offeree: a.offereeDomain,
      services: a.services,
      expiresAt: a.expiresAt?.toISOString() ?? null,
      state: a.state,
    };
    await this.audit.record(actor, { action: kind, targetType: 'agreement', targetId: a.id, details: entry }, manager);
    await this.transparency.append({ kind, subjects: [a.offererDomain, a.offereeDomain], entry }, manager);
  }

  private withAgreement<T>(
    id: string,
    member: string,
    work: (a: PeeringAgreementEntity, m: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.change(async (manager) => {
      const agreement = /^[0-9a-f-]{36}$/i.test(id) ? await this.policy.lockAgreement(id, manager) : null;
      // an agreement between others, or with a member hidden from this one, is reported exactly
      // like a missing one
      if (
        !agreement ||
        (agreement.offererDomain !== member && agreement.offereeDomain !== member) ||
        !(await this.decisions.visible(member, counterpartOf(agreement, member)))
      ) {
        throw new NotFoundError(`no agreement ${id}`);
      }
      return work(agreement, manager);
    });
  }

  private change<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.tx.runAndAnnounce([POLICY_CHANGE_KEY], work);
  }
}

function counterpartOf(agreement: PeeringAgreementEntity, member: string): string {
  return agreement.offererDomain === member ? agreement.offereeDomain : agreement.offererDomain;
}

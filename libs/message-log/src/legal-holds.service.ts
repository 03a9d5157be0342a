import { Injectable } from '@nestjs/common';
import {
  type ActorContext,
  ConflictError,
  InvalidInputError,
  normalizeDomain,
  NotFoundError,
  LEGAL_HOLD_SCOPES,
  type LegalHoldScope,
} from '@app/common';
import { type LegalHoldEntity, LegalHoldRepository, MessageLogPruneRepository, TransactionRunner } from '@app/db';
import { AuditTrail } from '@app/audit';
import { parseParticipantUri, ParticipantUriError } from './participant-uri.js';

export interface LegalHoldInput {
  scope: LegalHoldScope;
  value: string;
  reason: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Legal holds on the message log: while a hold is active, retention removes no record of the
 * member's network, of the participant or of the room it names (matched by the record's tags).
 * Placing a hold takes the retention lock, so a deletion batch either sees it or finished before it.
 */
@Injectable()
export class LegalHolds {
  constructor(
    private readonly holds: LegalHoldRepository,
    private readonly prune: MessageLogPruneRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditTrail,
  ) {}

  async place(input: LegalHoldInput, actor: ActorContext): Promise<LegalHoldEntity> {
    const value = normalizedValue(input.scope, input.value);
    const reason = input.reason?.trim();
    if (!reason) throw InvalidInputError.forField('reason', 'must say why the hold is placed');
    return this.tx.run(async (manager) => {
      await this.prune.lockRetention(manager);
      const hold = await this.holds.insert({ scope: input.scope, value, reason, createdBy: actor.id }, manager);
      await this.audit.record(
        actor,
        {
          action: 'message-log.hold.placed',
          targetType: 'legal-hold',
          targetId: hold.id,
          reason,
          details: { scope: hold.scope, value },
        },
        manager,
      );
      return hold;
    });
  }

  list(activeOnly = false): Promise<LegalHoldEntity[]> {
    return this.holds.list(activeOnly);
  }

  async release(id: string, reason: string, actor: ActorContext): Promise<LegalHoldEntity> {
    if (!UUID.test(id)) throw new NotFoundError(`no legal hold ${id}`);
    const why = reason?.trim();
    if (!why) throw InvalidInputError.forField('reason', 'must say why the hold is released');
    return this.tx.run(async (manager) => {
      const hold = await this.holds.lockById(id, manager);
      if (!hold) throw new NotFoundError(`no legal hold ${id}`);
      if (hold.releasedAt) throw new ConflictError(`legal hold ${id} was released at ${hold.releasedAt.toISOString()}`);
      const released = await this.holds.markReleased(id, actor.id, manager);
      await this.audit.record(
        actor,
        {
          action: 'message-log.hold.released',
          targetType: 'legal-hold',
          targetId: id,
          reason: why,
          details: { scope: hold.scope, value: hold.value },
        },
        manager,
      );
      return released;
    });
  }
}

/** The value as the log's tags carry it: a member domain, or a participant / room URI in normal form. */
export function normalizedValue(scope: LegalHoldScope, value: string): string {
  if (!LEGAL_HOLD_SCOPES.includes(scope))
    throw InvalidInputError.forField('scope', `must be one of ${LEGAL_HOLD_SCOPES.join(', ')}`);
  if (scope === 'member') return normalizeDomain(value, 'value');
  try {
    return parseParticipantUri(String(value ?? '').trim()).uri;
  } catch (error) {
    if (error instanceof ParticipantUriError) throw InvalidInputError.forField('value', error.message);
    throw error;
  }
}

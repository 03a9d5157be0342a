import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditEntryEntity, AuditQuery, AuditRepository } from '@app/db';
import { ActorContext, decodeCursor, encodeCursor, Page } from '@app/common';

export interface AuditEvent {
  action: string;
  targetType: string;
  targetId: string;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/** Appends audit entries inside the transaction of the action they describe, so neither exists without the other. */
@Injectable()
export class AuditTrail {
  constructor(private readonly audit: AuditRepository) {}

  record(actor: ActorContext, event: AuditEvent, manager: EntityManager): Promise<void> {
    return this.audit.append(
      {
        actorType: actor.type,
        actorId: actor.id,
        action: event.action,
        targetType: event.targetType,
        targetId: event.targetId,
        reason: event.reason ?? null,
        requestId: actor.requestId ?? null,
        details: event.details ?? {},
      },
      manager,
    );
  }

  async list(query: Omit<AuditQuery, 'beforeId'> & { cursor?: string }): Promise<Page<AuditEntryEntity>> {
    const beforeId = query.cursor ? decodeCursor(query.cursor, { id: 'bigint' }).id : undefined;
    const items = await this.audit.list({ ...query, beforeId });
    const last = items.at(-1);
    return { items, nextCursor: items.length === query.limit && last ? encodeCursor({ id: last.id }) : null };
  }
}

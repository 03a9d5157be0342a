import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type ActorContext, decodeCursor, encodeCursor, InvalidInputError, normalizeDomain, type Page } from '@app/common';
import { type LogCriteria, type LogPosition, type LogRow, MessageLogSearchRepository, TransactionRunner } from '@app/db';
import { AuditTrail } from '@app/audit';
import { parseParticipantUri, ParticipantUriError } from './participant-uri.js';
import { memberTag, participantTag, roomTag } from './record-authorization.js';

/** Search filters as callers give them (URIs and domains not yet normalised). */
export interface MessageLogFilters {
  participant?: string;
  room?: string;
  /** another member network involved in the message */
  member?: string;
  origin?: string;
  messageId?: string;
  /** inclusive */
  from?: Date;
  /** exclusive */
  to?: Date;
}

export interface MessageLogSearchQuery extends MessageLogFilters {
  cursor?: string;
  limit?: number;
}

/** A time-bounded export: its rows arrive page by page while the caller writes them out. */
export interface MessageLogExport {
  /** the hub's domain, named in the export */
  hub: string;
  from: Date;
  to: Date;
  /** rows logged after this instant are left out, so the pages describe one fixed set */
  asOf: Date;
  /** the member the export is scoped to, null for operators */
  for: string | null;
  /** the normalised filters, for the export's header */
  filters: Record<string, string | undefined>;
  pages: AsyncIterable<LogRow[]>;
}

export const DEFAULT_SEARCH_LIMIT = 100;
export const MAX_SEARCH_LIMIT = 1000;
export const MAX_EXPORT_DAYS = 31;
const EXPORT_PAGE_ROWS = 500;
const DAY_MS = 86_400_000;
const CURSOR_FIELDS = { t: 'bigint', o: 'text', s: 'bigint' } as const;

interface Normalised {
  criteria: Omit<LogCriteria, 'limit' | 'after'>;
  /** what the audit trail and the export header record */
  filters: Record<string, string | undefined>;
}

/**
 * Search and export of the message log. A member sees only records its network is part
 * of (origin, sender's or a recipient's network: the 'n:' tags written at ingest); operators see
 * all, and each of their searches and exports is audited. Member reads are not audited.
 */
@Injectable()
export class MessageLogSearch {
  private readonly logger = new Logger(MessageLogSearch.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rows: MessageLogSearchRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditTrail,
  ) {}

  async searchAsMember(caller: string, query: MessageLogSearchQuery): Promise<Page<LogRow>> {
    return this.page(visibleTo(caller, normalise(query)), query);
  }

  /** The search and its audit entry commit together: no result leaves the hub unaudited. */
  async searchAsOperator(actor: ActorContext, query: MessageLogSearchQuery): Promise<Page<LogRow>> {
    const normalised = normalise(query);
    return this.tx.run(async (manager) => {
      const page = await this.page(normalised, query, manager);
      await this.audit.record(
        actor,
        { ...auditTarget('message-log.search', normalised), details: { filters: normalised.filters, rows: page.items.length } },
        manager,
      );
      return page;
    });
  }

  exportAsMember(caller: string, filters: MessageLogFilters): MessageLogExport {
    const normalised = visibleTo(caller, normalise(filters));
    return this.export(normalised, caller, () => Promise.resolve());
  }

  /**
   * An operator's export is audited before its first row is read ('message-log.export'); when the
   * stream ends, a second entry records how many rows went out and whether the export completed
   * ('message-log.export-finished'), since the count is unknown until then.
   */
  async exportAsOperator(actor: ActorContext, filters: MessageLogFilters, format: string): Promise<MessageLogExport> {
    const normalised = normalise(filters);
    const exported = this.export(normalised, null, (rows, completed) =>
      this.tx.run((manager) =>
        this.audit.record(
          actor,
          {
            ...auditTarget('message-log.export-finished', normalised),
            details: { filters: normalised.filters, format, rows, completed },
          },
          manager,
        ),
      ),
    );
    await this.tx.run((manager) =>
      this.audit.record(
        actor,
        {
          ...auditTarget('message-log.export', normalised),
          details: { filters: normalised.filters, format, asOf: exported.asOf.toISOString() },
        },
        manager,
      ),
    );
    return exported;
  }

  private async page(
    n: Normalised,
    query: MessageLogSearchQuery,
    manager?: Parameters<MessageLogSearchRepository['findPage']>[1],
  ) {
    const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
      throw InvalidInputError.forField('limit', `must be an integer from 1 to ${MAX_SEARCH_LIMIT}`);
    }
    const after = query.cursor === undefined ? undefined : positionOf(query.cursor);
    // one row more than asked tells whether another page exists
    const rows = await this.rows.findPage({ ...n.criteria, after, limit: limit + 1 }, manager);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ t: last.position.tsMicros, o: last.position.origin, s: last.position.seq })
          : null,
    };
  }

  private export(
    n: Normalised,
    scope: string | null,
    onEnd: (rows: number, completed: boolean) => Promise<void>,
  ): MessageLogExport {
    const { from, to } = n.criteria;
    if (!from) throw InvalidInputError.forField('from', 'is required for an export');
    if (!to) throw InvalidInputError.forField('to', 'is required for an export');
    if (to.getTime() - from.getTime() > MAX_EXPORT_DAYS * DAY_MS) {
      throw InvalidInputError.forField('to', `an export covers at most ${MAX_EXPORT_DAYS} days after from`);
    }
    const asOf = new Date();
    return {
      hub: this.config.hub.domain,
      from,
      to,
      asOf,
      for: scope,
      filters: n.filters,
      pages: this.exportPages({ ...n.criteria, loggedUpTo: asOf }, onEnd),
    };
  }

  private async *exportPages(
    criteria: Omit<LogCriteria, 'limit'>,
    onEnd: (rows: number, completed: boolean) => Promise<void>,
  ): AsyncIterable<LogRow[]> {
    let rows = 0;
    let completed = false;
    try {
      let after: LogPosition | undefined;
      for (;;) {
        const page = await this.rows.findPage({ ...criteria, after, limit: EXPORT_PAGE_ROWS });
        if (page.length > 0) {
          rows += page.length;
          yield page;
        }
        if (page.length < EXPORT_PAGE_ROWS) break;
        after = page[page.length - 1].position;
      }
      completed = true;
    } finally {
      // runs when the stream ends, fails, or the client goes away; the export itself is already audited
      await onEnd(rows, completed).catch((error: unknown) =>
        this.logger.error(`could not record the end of a message-log export: ${(error as Error).message}`),
      );
    }
  }
}

function normalise(f: MessageLogFilters): Normalised {
  const participant = f.participant === undefined ? undefined : uriOf(f.participant, 'participant');
  const room = f.room === undefined ? undefined : uriOf(f.room, 'room');
  const member = f.member === undefined ? undefined : normalizeDomain(f.member, 'member');
  const origin = f.origin === undefined ? undefined : normalizeDomain(f.origin, 'origin');
  if (f.from && f.to && f.to.getTime() <= f.from.getTime()) throw InvalidInputError.forField('to', 'must be after from');
  const tags = [
    ...(member ? [memberTag(member)] : []),
    ...(participant ? [participantTag(participant)] : []),
    ...(room ? [roomTag(room)] : []),
  ];
  return {
    criteria: { tags, origin, messageId: f.messageId, from: f.from, to: f.to },
    filters: {
      participant,
      room,
      member,
      origin,
      messageId: f.messageId,
      from: f.from?.toISOString(),
      to: f.to?.toISOString(),
    },
  };
}

/** Adds the caller's own network to the required tags: a member never reads beyond its records. */
function visibleTo(caller: string, n: Normalised): Normalised {
  return { ...n, criteria: { ...n.criteria, tags: [memberTag(caller), ...n.criteria.tags] } };
}

function uriOf(input: string, field: string): string {
  try {
    return parseParticipantUri(input).uri;
  } catch (error) {
    if (error instanceof ParticipantUriError) throw InvalidInputError.forField(field, error.message);
    throw error;
  }
}

function positionOf(cursor: string): LogPosition {
  const c = decodeCursor(cursor, CURSOR_FIELDS);
  if (c.o.length > 253) decodeCursor('', CURSOR_FIELDS);
  return { tsMicros: c.t, origin: c.o, seq: c.s };
}

function auditTarget(action: string, n: Normalised) {
  return { action, targetType: 'message-log', targetId: n.filters.member ?? n.filters.origin ?? '*' };
}

import type { AppConfig } from '@app/config';
import { InvalidInputError } from '@app/common';
import type { LogCriteria, LogRow, MessageLogSearchRepository, TransactionRunner } from '@app/db';
import type { AuditEvent, AuditTrail } from '@app/audit';
import { MessageLogSearch } from './message-log-search.service.js';

const actor = { type: 'operator' as const, id: 'op-1' };

function row(i: number): LogRow {
  return { position: { tsMicros: String(1_800_000_000_000_000 + i), origin: 'a.example.com', seq: String(i) } } as LogRow;
}

/** A service over a log of `total` rows, recording the criteria of every page query and every audit event. */
function setup(total: number) {
  const queries: LogCriteria[] = [];
  const audited: AuditEvent[] = [];
  const repository = {
    findPage: async (criteria: LogCriteria) => {
      queries.push(criteria);
      const start = criteria.after ? Number(criteria.after.seq) + 1 : 1;
      return Array.from({ length: Math.max(0, Math.min(criteria.limit, total - start + 1)) }, (_, i) => row(start + i));
    },
  } as unknown as MessageLogSearchRepository;
  const tx = { run: (work: (m: unknown) => Promise<unknown>) => work({}) } as unknown as TransactionRunner;
  const audit = { record: async (_a: unknown, event: AuditEvent) => void audited.push(event) } as unknown as AuditTrail;
  const config = { hub: { domain: 'hub.example' } } as AppConfig;
  return { service: new MessageLogSearch(config, repository, tx, audit), queries, audited };
}

const range = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') };

describe(MessageLogSearch.name, () => {
  it('should confine a member to records tagged with its network, and normalise filters as ingest does', async () => {
    const { service, queries } = setup(0);
    await service.searchAsMember('a.example.com', {
      participant: 'sip:bob@B.Example.org;transport=tls',
      member: 'B.EXAMPLE.ORG.',
    });
    expect(queries[0].tags).toEqual(['n:a.example.com', 'n:b.example.org', 'u:sip:bob@b.example.org']);
    expect(queries[0].limit).toBe(101);
  });

  it('should name the field of a filter that cannot be normalised', async () => {
    const { service } = setup(0);
    await expect(service.searchAsMember('a.example.com', { room: 'nope' })).rejects.toMatchObject({
      invalidParams: [{ name: 'room' }],
    });
  });

  it('should page an export until a short page, continuing after the last position', async () => {
    const { service, queries } = setup(1001);
    const exported = service.exportAsMember('a.example.com', range);
    let rows = 0;
    for await (const page of exported.pages) rows += page.length;
    expect(rows).toBe(1001);
    expect(queries.map((q) => q.after?.seq)).toEqual([undefined, '500', '1000']);
    expect(queries.every((q) => q.loggedUpTo === exported.asOf)).toBe(true);
  });

  it('should audit an operator export before it starts, and its end with the rows sent when the client leaves', async () => {
    const { service, audited } = setup(2000);
    const exported = await service.exportAsOperator(actor, range, 'xml');
    expect(audited.map((e) => e.action)).toEqual(['message-log.export']);
    for await (const page of exported.pages) {
      expect(page).toHaveLength(500);
      break; // the client went away after the first page
    }
    expect(audited[1]).toMatchObject({
      action: 'message-log.export-finished',
      details: { rows: 500, completed: false, format: 'xml' },
    });
  });

  it('should refuse an export longer than 31 days, or without a range', () => {
    const { service } = setup(0);
    const long = { from: range.from, to: new Date(range.from.getTime() + 31 * 86_400_000 + 1) };
    expect(() => service.exportAsMember('a.example.com', long)).toThrow(InvalidInputError);
    expect(() => service.exportAsMember('a.example.com', { to: range.to })).toThrow('from: is required for an export');
  });
});

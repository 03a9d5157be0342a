import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { UsageKind } from '@app/common';

/**
 * One addition to the usage counters: `n` more of `kind` for `member` (its total when `peer` is
 * '' or absent, the pair member→peer otherwise) on UTC day `day` (YYYY-MM-DD; absent: the day the
 * transaction commits in, `now()` in UTC).
 */
export interface UsageIncrement {
  member: string;
  peer?: string;
  kind: UsageKind;
  n: number;
  day?: string;
}

export interface UsageQuery {
  /** first UTC day, inclusive (YYYY-MM-DD) */
  from: string;
  /** last UTC day, exclusive */
  to: string;
  granularity: 'day' | 'month';
  member?: string;
}

/** One period's counts for a member's total (`peer` null) or a pair. */
export interface UsageRow {
  period: string;
  member: string;
  peer: string | null;
  counts: Record<UsageKind, number>;
}

const TODAY_UTC = `(now() AT TIME ZONE 'UTC')::date`;
const FLUSH_IDS_KEPT = '2 days';

/**
 * The usage counters (usage_counters): additions in the transaction of the counted work, and the
 * report. Every addition is one INSERT … ON CONFLICT DO UPDATE of all its rows, grouped and in key
 * order, so two transactions adding to the same rows lock them in the same order (no deadlock).
 */
@Injectable()
export class UsageCountersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds the increments in the caller's transaction (or on their own, without one). */
  async add(increments: UsageIncrement[], manager?: EntityManager): Promise<void> {
    const rows = aggregate(increments);
    if (rows.length === 0) return;
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO usage_counters AS u (day, member, peer, kind, n)
       SELECT coalesce(t.day, ${TODAY_UTC}), t.member, t.peer, t.kind, t.n
         FROM unnest($1::date[], $2::varchar[], $3::varchar[], $4::varchar[], $5::bigint[]) AS t(day, member, peer, kind, n)
        ORDER BY 1, 2, 3, 4
       ON CONFLICT (day, member, peer, kind) DO UPDATE SET n = u.n + EXCLUDED.n`,
      [
        rows.map((r) => r.day ?? null),
        rows.map((r) => r.member),
        rows.map((r) => r.peer),
        rows.map((r) => r.kind),
        rows.map((r) => r.n),
      ],
    );
  }

  /**
   * The same addition as one statement with its values inlined by `literal` (the connection's
   * escapeLiteral), for a transaction that sends it with its commit in one round trip (the message
   * log's batches); '' when there is nothing to add.
   */
  static addStatement(increments: UsageIncrement[], literal: (value: string) => string): string {
    const rows = aggregate(increments);
    if (rows.length === 0) return '';
    const values = rows
      .map(
        (r) =>
          `(${r.day ? `${literal(r.day)}::date` : TODAY_UTC}, ${literal(r.member)}, ${literal(r.peer)}, ${literal(r.kind)}, ${r.n})`,
      )
      .join(', ');
    return `INSERT INTO usage_counters AS u (day, member, peer, kind, n) VALUES ${values}
            ON CONFLICT (day, member, peer, kind) DO UPDATE SET n = u.n + EXCLUDED.n`;
  }

  /**
   * The same addition as a statement to run inside another one (a data-modifying WITH), for
   * counts that SQL computes from what that statement changed: `select` yields the columns day
   * (null: today in UTC), member, peer ('' for the member's total), kind and n, one row per key.
   */
  static addSelected(select: string): string {
    return `INSERT INTO usage_counters AS u (day, member, peer, kind, n)
            SELECT coalesce(t.day, ${TODAY_UTC}), t.member, t.peer, t.kind, t.n FROM (${select}) AS t
             ORDER BY 1, 2, 3, 4
            ON CONFLICT (day, member, peer, kind) DO UPDATE SET n = u.n + EXCLUDED.n`;
  }

  /**
   * Adds counts kept in memory (provisioning fetches) exactly once: the flush's id is recorded in
   * the same transaction, so a flush sent again after its answer was lost adds nothing. Returns
   * false when that id had been added already.
   */
  async flush(flushId: string, increments: UsageIncrement[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        'INSERT INTO usage_flushes (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id',
        [flushId],
      );
      if (inserted.length === 0) return false;
      await this.add(increments, manager);
      await manager.query(`DELETE FROM usage_flushes WHERE flushed_at < now() - interval '${FLUSH_IDS_KEPT}'`);
      return true;
    });
  }

  /** The counters summed per period (UTC day or month) and member total or pair, in [from, to). */
  async report(query: UsageQuery): Promise<UsageRow[]> {
    const period = query.granularity === 'month' ? `to_char(day, 'YYYY-MM')` : `to_char(day, 'YYYY-MM-DD')`;
    const rows: Array<{ period: string; member: string; peer: string; kind: UsageKind; n: string }> = await this.dataSource.query(
      `SELECT ${period} AS period, member, peer, kind, sum(n)::text AS n FROM usage_counters
        WHERE day >= $1::date AND day < $2::date AND ($3::varchar IS NULL OR member = $3)
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      [query.from, query.to, query.member ?? null],
    );
    const out: UsageRow[] = [];
    for (const r of rows) {
      let last = out.at(-1);
      if (!last || last.period !== r.period || last.member !== r.member || last.peer !== (r.peer || null)) {
        last = { period: r.period, member: r.member, peer: r.peer || null, counts: emptyCounts() };
        out.push(last);
      }
      last.counts[r.kind] = Number(r.n);
    }
    return out;
  }
}

export const emptyCounts = (): Record<UsageKind, number> => ({
  'messages-logged': 0,
  'chat-messages': 0,
  'chat-deliveries': 0,
  'provisioning-fetches': 0,
  'assertions-issued': 0,
});

/** One row per key with the sum of its increments, in key order; rows adding nothing are dropped. */
function aggregate(increments: UsageIncrement[]): Array<Required<Omit<UsageIncrement, 'day'>> & { day?: string }> {
  const byKey = new Map<string, Required<Omit<UsageIncrement, 'day'>> & { day?: string }>();
  for (const i of increments) {
    if (!(i.n > 0)) continue;
    const peer = i.peer ?? '';
    const key = `${i.day ?? ''}\u0000${i.member}\u0000${peer}\u0000${i.kind}`;
    const row = byKey.get(key);
    if (row) row.n += i.n;
    else byKey.set(key, { day: i.day, member: i.member, peer, kind: i.kind, n: i.n });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

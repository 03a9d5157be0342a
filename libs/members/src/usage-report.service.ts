import { Injectable } from '@nestjs/common';
import { InvalidInputError, normalizeDomain } from '@app/common';
import { type UsageRow, UsageCountersRepository } from '@app/db';

export const USAGE_GRANULARITIES = ['day', 'month'] as const;
export type UsageGranularity = (typeof USAGE_GRANULARITIES)[number];

/** The longest report per granularity, in days: a year by day, ten years by month. */
export const MAX_USAGE_RANGE_DAYS: Record<UsageGranularity, number> = { day: 366, month: 3653 };

export interface UsageReportQuery {
  from: string;
  to: string;
  granularity: UsageGranularity;
  member?: string;
}

export interface UsageReportResult {
  from: string;
  to: string;
  granularity: UsageGranularity;
  member: string | null;
  /** each member's totals per period */
  members: UsageRow[];
  /** per peering pair (member → peer) and period */
  pairs: UsageRow[];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * The usage report: what the hub did for each member and each peering pair, per UTC day or
 * month, from the counters kept in PostgreSQL with the work itself (usage_counters), so the
 * figures are the same after any restart. `from` is the first day, `to` the day after the last.
 */
@Injectable()
export class UsageReport {
  constructor(private readonly counters: UsageCountersRepository) {}

  async report(query: UsageReportQuery): Promise<UsageReportResult> {
    const from = utcDay(query.from, 'from');
    const to = utcDay(query.to, 'to');
    if (to <= from)
      throw InvalidInputError.forField('to', 'must be a day after from (the report covers from until the day before to)');
    const limit = MAX_USAGE_RANGE_DAYS[query.granularity];
    if ((to - from) / DAY_MS > limit) {
      throw InvalidInputError.forField('to', `a report by ${query.granularity} covers at most ${limit} days`);
    }
    const member = query.member === undefined ? undefined : normalizeDomain(query.member, 'member');
    const rows = await this.counters.report({ from: query.from, to: query.to, granularity: query.granularity, member });
    return {
      from: query.from,
      to: query.to,
      granularity: query.granularity,
      member: member ?? null,
      members: rows.filter((r) => r.peer === null),
      pairs: rows.filter((r) => r.peer !== null),
    };
  }
}

/** A UTC day written YYYY-MM-DD that exists (no 2026-02-30), as its epoch milliseconds. */
function utcDay(value: string, field: string): number {
  const match = DAY.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value || Number(match[1]) < 2000) {
    throw InvalidInputError.forField(field, 'must be a UTC day written YYYY-MM-DD, from the year 2000 on');
  }
  return ms;
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface DailyStat {
  origin: string;
  day: string;
  records: number;
  bodyBytes: number;
  batches: number;
}

/** Per-origin, per-UTC-day counters of the message log, fed by the worker from committed batches. */
@Injectable()
export class MessageLogStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds the records origin's chain positions fromSeq..toSeq (one committed batch) to the counters;
   * returns how many records it counted (fewer than the batch if retention removed some meanwhile).
   */
  async addBatch(origin: string, fromSeq: number, toSeq: number, manager: EntityManager): Promise<number> {
    const rows: Array<{ records: string }> = await manager.query(
      `WITH batch AS (
         SELECT (ts AT TIME ZONE 'UTC')::date AS day, count(*) AS records, coalesce(sum(octet_length(body)), 0) AS body_bytes
         FROM message_log WHERE origin = $1 AND seq BETWEEN $2 AND $3 GROUP BY 1
       ), upserted AS (
         INSERT INTO message_log_daily_stats AS s (origin, day, records, body_bytes, batches)
         SELECT $1, day, records, body_bytes, 1 FROM batch
         ON CONFLICT (origin, day) DO UPDATE SET records = s.records + EXCLUDED.records,
           body_bytes = s.body_bytes + EXCLUDED.body_bytes, batches = s.batches + 1
         RETURNING 1
       )
       SELECT coalesce(sum(records), 0) AS records FROM batch`,
      [origin, fromSeq, toSeq],
    );
    return Number(rows[0].records);
  }

  async list(query: { origin?: string; from?: string; to?: string }): Promise<DailyStat[]> {
    const rows: Array<{ origin: string; day: string; records: string; body_bytes: string; batches: string }> =
      await this.dataSource.query(
        `SELECT origin, to_char(day, 'YYYY-MM-DD') AS day, records, body_bytes, batches FROM message_log_daily_stats
         WHERE ($1::text IS NULL OR origin = $1) AND ($2::date IS NULL OR day >= $2) AND ($3::date IS NULL OR day <= $3)
         ORDER BY day DESC, origin LIMIT 1000`,
        [query.origin ?? null, query.from ?? null, query.to ?? null],
      );
    return rows.map((r) => ({
      origin: r.origin,
      day: r.day,
      records: Number(r.records),
      bodyBytes: Number(r.body_bytes),
      batches: Number(r.batches),
    }));
  }
}

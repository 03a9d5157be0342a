import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { LiDeliveryOutcome } from '../entities/li-delivery.entity.js';

/** A destination the delivery worker may try now. */
export interface LiDestinationDue {
  destinationId: string;
  /** sealed {friendlyName, deliveryAddress} */
  sealed: Buffer;
  removed: boolean;
  hasPending: boolean;
  lastAttemptAt: Date | null;
}

export interface LiDeliveryLogEntry {
  destinationId: string;
  outcome: LiDeliveryOutcome;
  records: number;
  failures: number;
  /** sealed detail (an error), or null */
  detail: Buffer | null;
}

export interface LiDeliveryLogRow extends LiDeliveryLogEntry {
  id: string;
  at: Date;
}

/** When a destination (state row `s`) may not be tried now by the worker in parameter `holder`: backing off, or leased by another live worker. */
const notDue = (holder: string) => `s.next_attempt_at > now() OR (s.leased_until > now() AND s.leased_by <> ${holder})`;

/** Delivery state of interception destinations: leases, failures and backoff, and the delivery log. */
@Injectable()
export class LiDeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every destination `holder` may try now, with whether records wait for it (an agency has a handful: one row each). */
  dueDestinations(holder: string): Promise<LiDestinationDue[]> {
    return this.dataSource.query(
      `SELECT d.did AS "destinationId", d.sealed, d.removed_at IS NOT NULL AS removed,
              EXISTS (SELECT 1 FROM li_records r WHERE r.destination_id = d.did) AS "hasPending",
              s.last_attempt_at AS "lastAttemptAt"
         FROM li_destinations d LEFT JOIN li_delivery_state s ON s.destination_id = d.did
        WHERE NOT coalesce(${notDue('$1')}, false)`,
      [holder],
    );
  }

  /** Takes the destination's lease unless it is backing off or another live worker holds it; the failures in a row, or null. */
  async lease(destinationId: string, holder: string, leaseMs: number): Promise<{ failures: number } | null> {
    const rows: Array<{ failures: number }> = await this.dataSource.query(
      `INSERT INTO li_delivery_state AS s (destination_id, leased_by, leased_until)
       VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (destination_id) DO UPDATE SET leased_by = EXCLUDED.leased_by, leased_until = EXCLUDED.leased_until
        WHERE NOT coalesce(${notDue('$2')}, false)
       RETURNING s.failures`,
      [destinationId, holder, leaseMs],
    );
    return rows[0] ?? null;
  }

  async renew(destinationId: string, holder: string, leaseMs: number): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE li_delivery_state SET leased_until = now() + $3 * interval '1 millisecond'
        WHERE destination_id = $1 AND leased_by = $2`,
      [destinationId, holder, leaseMs],
    )) as [unknown, number];
    return affected > 0;
  }

  async release(destinationId: string, holder: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE li_delivery_state SET leased_by = NULL, leased_until = NULL WHERE destination_id = $1 AND leased_by = $2`,
      [destinationId, holder],
    );
  }

  /** The destination answered 2xx: failures cleared. */
  async succeeded(destinationId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE li_delivery_state SET failures = 0, next_attempt_at = NULL, last_success_at = now(), last_attempt_at = now()
        WHERE destination_id = $1`,
      [destinationId],
    );
  }

  /** A failed attempt: counted, tried again at `retryAt`, lease given back; returns the failures in a row. */
  async failed(destinationId: string, holder: string, retryAt: Date, manager: EntityManager): Promise<number> {
    const [rows] = (await manager.query(
      `UPDATE li_delivery_state SET failures = failures + 1, next_attempt_at = $3, last_attempt_at = now(),
              leased_by = NULL, leased_until = NULL
        WHERE destination_id = $1 AND leased_by = $2 RETURNING failures`,
      [destinationId, holder, retryAt],
    )) as [Array<{ failures: number }>, number];
    return rows[0]?.failures ?? 0;
  }

  async log(entry: LiDeliveryLogEntry, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO li_delivery_log (destination_id, outcome, records, failures, detail) VALUES ($1, $2, $3, $4, $5)`,
      [entry.destinationId, entry.outcome, entry.records, entry.failures, entry.detail],
    );
  }

  /** The delivery log, newest first, optionally of one destination, before an id (cursor). */
  listLog(query: { destinationId?: string; beforeId?: string; limit: number }): Promise<LiDeliveryLogRow[]> {
    return this.dataSource.query(
      `SELECT id::text AS id, at, destination_id AS "destinationId", outcome, records, failures, detail
         FROM li_delivery_log
        WHERE ($1::uuid IS NULL OR destination_id = $1) AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [query.destinationId ?? null, query.beforeId ?? null, query.limit],
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A logged message as the interception matcher reads it. */
export interface LiLoggedMessageRow {
  ts: Date;
  origin: string;
  messageId: string;
  direction: 'inbound' | 'outbound';
  sender: string;
  recipients: string[];
  room: string | null;
  contentType: string;
  body: string | null;
  bodySha256: Buffer;
}

/** A room event with its room's URI and every user it went to. */
export interface LiRoomEventRow {
  roomId: string;
  roomUri: string;
  seq: string;
  kind: string;
  actor: string | null;
  userUri: string | null;
  network: string;
  content: Record<string, unknown>;
  createdAt: Date;
  recipients: string[];
}

/** An active task found under one blind-index lookup. */
export interface LiTaskCandidateRow {
  lookup: Buffer;
  xid: string;
  deliveryType: 'iri' | 'iri-and-cc';
  destinationIds: string[];
  validFrom: Date;
  validUntil: Date | null;
}

/**
 * The query behind `candidateTasks` ($1 lookups, $2..$3 the window). Each task is read in a
 * correlated subquery by its key alone, which `OFFSET 0` keeps from being flattened into a join
 * (and its state and window from being pushed into it): as a plain join, the planner hashed every
 * active task whenever its statistics under-counted them (tasks activated since the last
 * ANALYZE), and the query then read the whole table.
 */
export const LI_CANDIDATE_TASKS_SQL = `
  SELECT tt.lookup, t.xid, t.delivery_type AS "deliveryType", t.destination_ids AS "destinationIds",
         t.valid_from AS "validFrom", t.valid_until AS "validUntil"
    FROM li_task_targets tt
   CROSS JOIN LATERAL (SELECT * FROM li_tasks WHERE xid = tt.xid OFFSET 0) t
   WHERE tt.lookup = ANY($1::bytea[]) AND t.state = 'active'
     AND t.valid_from <= $3 AND (t.valid_until IS NULL OR t.valid_until > $2)`;

/** What the interception matcher reads: the communications of a committed batch or room event, and the tasks they may match. */
@Injectable()
export class LiMatchRepository {
  /** The records of one committed batch: origin's chain positions fromSeq..toSeq (fewer if retention removed some). */
  loggedMessages(origin: string, fromSeq: number, toSeq: number, manager: EntityManager): Promise<LiLoggedMessageRow[]> {
    return manager.query(
      `SELECT ts, origin, message_id AS "messageId", direction, sender, recipients, room, content_type AS "contentType",
              body, body_sha256 AS "bodySha256"
         FROM message_log WHERE origin = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
      [origin, fromSeq, toSeq],
    );
  }

  /** The room event with its room's URI and the recipients of all its deliveries; null if gone. */
  async roomEvent(roomId: string, seq: string, manager: EntityManager): Promise<LiRoomEventRow | null> {
    const rows: LiRoomEventRow[] = await manager.query(
      `SELECT e.room_id AS "roomId", r.uri AS "roomUri", e.seq::text AS seq, e.kind, e.actor, e.user_uri AS "userUri",
              e.network, e.content, e.created_at AS "createdAt",
              coalesce((SELECT array_agg(u ORDER BY u) FROM chat_deliveries d CROSS JOIN unnest(d.recipients) AS u
                         WHERE d.room_id = e.room_id AND d.seq = e.seq), '{}') AS recipients
         FROM chat_events e JOIN chat_rooms r ON r.id = e.room_id
        WHERE e.room_id = $1 AND e.seq = $2`,
      [roomId, seq],
    );
    return rows[0] ?? null;
  }

  /** The version of the set of active targets: raised in the transaction of every change to li_task_targets. */
  async targetSetVersion(manager: EntityManager): Promise<string> {
    const [row]: Array<{ version: string }> = await manager.query(
      `SELECT version::text AS version FROM li_target_set_version WHERE id = 1`,
    );
    return row.version;
  }

  /** The lookup (hex) of every active target, with the version of that set: read in one statement, so one snapshot. */
  async targetSet(manager: EntityManager): Promise<{ version: string; lookups: string[] }> {
    const [row]: Array<{ version: string; lookups: string[] }> = await manager.query(
      `SELECT (SELECT version::text FROM li_target_set_version WHERE id = 1) AS version,
              coalesce((SELECT array_agg(DISTINCT encode(lookup, 'hex')) FROM li_task_targets), '{}') AS lookups`,
    );
    return row;
  }

  /**
   * The active tasks with a target among `lookups` whose validity window meets [from, to]: one
   * probe of the (lookup, xid) primary key per lookup, then one of the task's primary key per
   * target found, so the cost follows the lookups asked and the targets found, never the number of
   * tasks. Which communication each applies to is decided by the caller. The matcher asks only
   * for lookups it knows to be targets (targetSet).
   */
  candidateTasks(lookups: Buffer[], from: Date, to: Date, manager: EntityManager): Promise<LiTaskCandidateRow[]> {
    if (lookups.length === 0) return Promise.resolve([]);
    return manager.query(LI_CANDIDATE_TASKS_SQL, [lookups, from, to]);
  }
}

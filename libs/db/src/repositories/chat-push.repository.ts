import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ChatDeliveryOutcome } from '../entities/chat-delivery.entity.js';
import { UsageCountersRepository } from './usage-counters.repository.js';

/** A gateway's push state as operators see it, with what is still to be delivered to it. */
export interface ChatDestinationState {
  network: string;
  pending: number;
  oldestPendingAt: Date | null;
  attempts: number;
  nextAttemptAt: Date | null;
  parkedAt: Date | null;
  lastError: string | null;
  lastSuccessAt: Date | null;
}

/** One delivery finished by a push batch. */
export interface SettledChatDelivery {
  id: string;
  /** the receiving network */
  network: string;
  outcome: ChatDeliveryOutcome;
  /** the sending network when the event is a message (counted as a chat delivery once pushed), else null */
  messageFrom: string | null;
}

/** What a worker learns when it takes a gateway's lease. */
export interface LeasedDestination {
  network: string;
  /** failed pushes in a row before this lease */
  attempts: number;
}

/** When a gateway (row `d`) may not be tried now by the worker in parameter `holder`: parked, backing off, or leased by another live worker. */
const notDue = (holder: string) =>
  `d.parked_at IS NOT NULL OR d.next_attempt_at > now() OR (d.leased_until > now() AND d.leased_by <> ${holder})`;

/**
 * The push side of chat deliveries: which networks have deliveries pending, one worker's lease
 * on a gateway, the outcome of its pushes, and operators' retry and discard of parked gateways.
 */
@Injectable()
export class ChatPushRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Networks with deliveries pending whose gateway `holder` may try now. A skip scan over the
   * pending-deliveries index: one probe per network, however long a network's backlog.
   */
  async dueNetworks(holder: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `WITH RECURSIVE n(network) AS (
         (SELECT network FROM chat_deliveries WHERE delivered_at IS NULL ORDER BY network LIMIT 1)
         UNION ALL
         SELECT (SELECT c.network FROM chat_deliveries c
                  WHERE c.delivered_at IS NULL AND c.network > n.network ORDER BY c.network LIMIT 1)
           FROM n WHERE n.network IS NOT NULL)
       SELECT n.network FROM n LEFT JOIN chat_destinations d ON d.network = n.network
        WHERE n.network IS NOT NULL AND NOT coalesce(${notDue('$1')}, false)`,
      [holder],
    )) as Array<{ network: string }>;
    return rows.map((r) => r.network);
  }

  /**
   * Takes the leases of these gateways for `leaseMs`, except those parked, backing off, or leased
   * by another worker whose lease has not run out; returns those taken. One statement for many
   * gateways (in network order, as every writer of these rows locks them).
   */
  async lease(networks: string[], holder: string, leaseMs: number): Promise<LeasedDestination[]> {
    if (networks.length === 0) return [];
    return (await this.dataSource.query(
      `INSERT INTO chat_destinations AS d (network, leased_by, leased_until)
       SELECT n.network, $2, now() + $3 * interval '1 millisecond'
         FROM (SELECT DISTINCT unnest($1::varchar[]) AS network) n ORDER BY n.network
       ON CONFLICT (network) DO UPDATE SET leased_by = EXCLUDED.leased_by, leased_until = EXCLUDED.leased_until
        WHERE NOT coalesce(${notDue('$2')}, false)
       RETURNING d.network, d.attempts`,
      [networks, holder, leaseMs],
    )) as LeasedDestination[];
  }

  /** Extends the lease; false if the worker no longer holds it. */
  async renew(network: string, holder: string, leaseMs: number): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE chat_destinations SET leased_until = now() + $3 * interval '1 millisecond'
        WHERE network = $1 AND leased_by = $2`,
      [network, holder, leaseMs],
    )) as [unknown, number];
    return affected > 0;
  }

  async release(network: string, holder: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE chat_destinations SET leased_by = NULL, leased_until = NULL WHERE network = $1 AND leased_by = $2`,
      [network, holder],
    );
  }

  /**
   * Marks deliveries done with how (each for its network), counts the messages among them that
   * were pushed (usage: each receiving network's total and its pair with the sender), and clears
   * the failures of every gateway that had one pushed: it is answering again. One statement for
   * the batches of many gateways, so the counting commits with the marking and costs no further
   * round trip; only rows still pending are marked and counted (not those a pull acknowledged
   * meanwhile). Returns the deliveries it marked, with how.
   */
  async settle(done: SettledChatDelivery[]): Promise<Array<{ id: string; outcome: ChatDeliveryOutcome }>> {
    if (done.length === 0) return [];
    return (await this.dataSource.query(
      `WITH s AS (SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::text[], $4::varchar[]) AS s(id, network, outcome, sender)),
       settled AS (
         UPDATE chat_deliveries d SET delivered_at = now(), outcome = s.outcome
           FROM s
          WHERE d.id = s.id AND d.network = s.network AND d.delivered_at IS NULL
         RETURNING d.id, d.network, d.outcome),
       pushed AS (SELECT settled.id, settled.network, s.sender FROM settled JOIN s ON s.id = settled.id WHERE settled.outcome = 'pushed'),
       answering AS (
         UPDATE chat_destinations SET attempts = 0, last_error = NULL, next_attempt_at = NULL, last_success_at = now()
          WHERE network IN (SELECT network FROM pushed)),
       counted AS (${UsageCountersRepository.addSelected(
         `SELECT NULL::date AS day, network AS member, ''::varchar AS peer, 'chat-deliveries'::varchar AS kind, count(*) AS n
            FROM pushed WHERE sender IS NOT NULL GROUP BY network
          UNION ALL
          SELECT NULL::date, network, sender, 'chat-deliveries'::varchar, count(*)
            FROM pushed WHERE sender IS NOT NULL GROUP BY network, sender`,
       )})
       SELECT id::text AS id, outcome FROM settled`,
      [done.map((d) => d.id), done.map((d) => d.network), done.map((d) => d.outcome), done.map((d) => d.messageFrom)],
    )) as Array<{ id: string; outcome: ChatDeliveryOutcome }>;
  }

  /** Records a failed push and gives the lease back: tried again at `retryAt`, or parked. */
  async failed(network: string, holder: string, failure: { error: string; retryAt: Date; park: boolean }): Promise<void> {
    await this.dataSource.query(
      `UPDATE chat_destinations
          SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4,
              parked_at = CASE WHEN $5 THEN now() END, leased_by = NULL, leased_until = NULL
        WHERE network = $1 AND leased_by = $2`,
      [network, holder, failure.error.slice(0, 1000), failure.retryAt, failure.park],
    );
  }

  /** Every gateway with push state or pending deliveries, by network. */
  async states(): Promise<ChatDestinationState[]> {
    const rows = (await this.dataSource.query(
      `WITH pending AS (
         SELECT network, count(*)::int AS pending, min(created_at) AS oldest
           FROM chat_deliveries WHERE delivered_at IS NULL GROUP BY network)
       SELECT coalesce(d.network, p.network) AS network, coalesce(p.pending, 0) AS pending, p.oldest AS "oldestPendingAt",
              coalesce(d.attempts, 0) AS attempts, d.next_attempt_at AS "nextAttemptAt", d.parked_at AS "parkedAt",
              d.last_error AS "lastError", d.last_success_at AS "lastSuccessAt"
         FROM chat_destinations d FULL JOIN pending p ON p.network = d.network
        ORDER BY 1`,
    )) as ChatDestinationState[];
    return rows;
  }

  /** The gateway's row, locked until the transaction ends; null if it has none. */
  async lockState(network: string, manager: EntityManager): Promise<{ parkedAt: Date | null } | null> {
    const rows = (await manager.query(`SELECT parked_at AS "parkedAt" FROM chat_destinations WHERE network = $1 FOR UPDATE`, [
      network,
    ])) as Array<{ parkedAt: Date | null }>;
    return rows[0] ?? null;
  }

  /** Unparks the gateway with a fresh retry budget (the caller holds its row lock). */
  async unpark(network: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE chat_destinations SET parked_at = NULL, attempts = 0, next_attempt_at = NULL, last_error = NULL WHERE network = $1`,
      [network],
    );
  }

  /** Marks every pending delivery of the network discarded; returns how many. */
  async discardPending(network: string, manager: EntityManager): Promise<number> {
    const [, affected] = (await manager.query(
      `UPDATE chat_deliveries SET delivered_at = now(), outcome = 'discarded' WHERE network = $1 AND delivered_at IS NULL`,
      [network],
    )) as [unknown, number];
    return affected;
  }
}

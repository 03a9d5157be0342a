import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The delivery state of one destination: which worker sends to it now (a lease that runs out if
 * the worker dies), the failures in a row and when it may be tried again, and when it last
 * answered (records or a keepalive), and the batch of records in flight. Never parked: a
 * destination that stays down is tried at the capped interval for as long as it takes.
 */
@Entity({ name: 'li_delivery_state' })
export class LiDeliveryStateEntity {
  @PrimaryColumn({ name: 'destination_id', type: 'uuid' })
  destinationId: string;

  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'leased_by', type: 'varchar', length: 64, nullable: true })
  leasedBy: string | null;

  @Column({ name: 'leased_until', type: 'timestamptz', nullable: true })
  leasedUntil: Date | null;

  /** the destination's last 2xx answer (records or a keepalive) */
  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null;

  /** the last request sent to it, answered or not (keepalives are due LI_KEEPALIVE_INTERVAL_MS after it) */
  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  /** the records (li_records ids) of the batch sent and not yet acknowledged, in the order sent; null: none */
  @Column({ name: 'in_flight_ids', type: 'bigint', array: true, nullable: true })
  inFlightIds: string[] | null;

  /** their numbers in their (task, destination) streams, sent again unchanged until acknowledged */
  @Column({ name: 'in_flight_seqs', type: 'bigint', array: true, nullable: true })
  inFlightSeqs: string[] | null;
}

export type LiDeliveryOutcome = 'delivered' | 'failed' | 'retrying-at-cap' | 'keepalive' | 'keepalive-failed';

/**
 * What happened at each attempt to reach a destination: shown to LI administrators only. The
 * detail (an error naming the destination's address) is sealed like everything else that does.
 */
@Entity({ name: 'li_delivery_log' })
@Index('idx_li_delivery_log_destination', ['destinationId', 'id'])
@Check('ck_li_delivery_log_outcome', `outcome IN ('delivered', 'failed', 'retrying-at-cap', 'keepalive', 'keepalive-failed')`)
export class LiDeliveryLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ name: 'destination_id', type: 'uuid' })
  destinationId: string;

  @Column({ type: 'text' })
  outcome: LiDeliveryOutcome;

  /** records delivered (or that the failed request carried) */
  @Column({ type: 'int', default: 0 })
  records: number;

  /** failures in a row after this attempt */
  @Column({ type: 'int', default: 0 })
  failures: number;

  /** sealed {error} of a failure */
  @Column({ type: 'bytea', nullable: true })
  detail: Buffer | null;
}

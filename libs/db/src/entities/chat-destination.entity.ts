import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The push state of one member network's chat gateway: which worker drains it now (a lease, so
 * one worker at a time sends to it and a killed worker's lease simply runs out), how many pushes
 * failed in a row, when the next may be tried, and whether its deliveries are parked for an
 * operator. The deliveries themselves stay in chat_deliveries until done.
 */
@Entity({ name: 'chat_destinations' })
export class ChatDestinationEntity {
  @PrimaryColumn({ type: 'varchar', length: 253 })
  network: string;

  /** failed pushes since the last success */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  /** set when the retry budget ran out (or the gateway refused for good): nothing is sent until an operator acts */
  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'leased_by', type: 'varchar', length: 64, nullable: true })
  leasedBy: string | null;

  @Column({ name: 'leased_until', type: 'timestamptz', nullable: true })
  leasedUntil: Date | null;

  /** the last delivery the gateway accepted */
  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

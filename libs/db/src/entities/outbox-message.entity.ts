import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transactional outbox: written in the same transaction as the state change it
 * announces, moved to BullMQ by the dispatcher (jobId derived from `job_key`). A dispatched row
 * stays open until the reconciler finds its job's receipt (settled) or its job failed for good
 * (parked); until then it is dispatched again whenever its job is missing from the queue.
 */
@Entity({ name: 'outbox' })
@Index('idx_outbox_pending', ['id'], { where: 'dispatched_at IS NULL' })
@Index('idx_outbox_unsettled', ['dispatchedAt'], {
  where: 'dispatched_at IS NOT NULL AND settled_at IS NULL AND parked_at IS NULL',
})
@Index('idx_outbox_parked', ['queue', 'id'], { where: 'parked_at IS NOT NULL AND discarded_at IS NULL' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /**
   * Globally unique job id. The bigint id restarts with a new database, and a queue that
   * outlived its database would then take a new row for an already completed job.
   */
  @Column({ name: 'job_key', type: 'uuid' })
  @Generated('uuid')
  jobKey: string;

  @Column({ type: 'varchar', length: 64 })
  queue: string;

  @Column({ name: 'job_name', type: 'varchar', length: 64 })
  jobName: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;

  @Column({ name: 'dispatch_attempts', type: 'int', default: 0 })
  dispatchAttempts: number;

  /** The last dispatch or job failure; cleared by the next successful dispatch. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** Times the reconciler found the job missing from the queue and added it again. */
  @Column({ type: 'int', default: 0 })
  redispatches: number;

  /** When the reconciler found the job's receipt: the row is done and never looked at again. */
  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt: Date | null;

  /** When the job failed for good (reason in last_error): left to an operator, not re-dispatched. */
  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt: Date | null;

  /** When an operator gave a parked job up (audited): it stays parked and is no longer listed or retried. */
  @Column({ name: 'discarded_at', type: 'timestamptz', nullable: true })
  discardedAt: Date | null;
}

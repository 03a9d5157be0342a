import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per job whose effect has been applied. Handlers insert it in the same
 * transaction as their effect, so a redelivered job finds it and does nothing twice.
 */
@Entity({ name: 'job_receipts' })
export class JobReceiptEntity {
  @PrimaryColumn({ name: 'job_id', type: 'varchar', length: 128 })
  jobId: string;

  @Column({ type: 'varchar', length: 64 })
  queue: string;

  @Column({ name: 'job_name', type: 'varchar', length: 64 })
  jobName: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  result: Record<string, unknown>;

  @Column({ name: 'attempts_made', type: 'int' })
  attemptsMade: number;

  @Column({ name: 'completed_at', type: 'timestamptz', default: () => 'now()' })
  completedAt: Date;
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { JobReceiptEntity } from '../entities/job-receipt.entity.js';

@Injectable()
export class JobReceiptRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a job as done; false when it already was (a redelivery), so the caller skips its effect. */
  async recordOnce(receipt: Omit<JobReceiptEntity, 'completedAt'>, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO job_receipts (job_id, queue, job_name, result, attempts_made)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (job_id) DO NOTHING RETURNING job_id`,
      [receipt.jobId, receipt.queue, receipt.jobName, JSON.stringify(receipt.result), receipt.attemptsMade],
    );
    return rows.length > 0;
  }

  /** Records several jobs as done in one statement (those that already were are left as they are). */
  /** Records the receipts not recorded yet; returns the job ids it recorded now. */
  async recordManyOnce(receipts: Array<Omit<JobReceiptEntity, 'completedAt'>>, manager?: EntityManager): Promise<Set<string>> {
    if (receipts.length === 0) return new Set();
    const rows: Array<{ job_id: string }> = await (manager ?? this.dataSource.manager).query(
      `INSERT INTO job_receipts (job_id, queue, job_name, result, attempts_made)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::jsonb[], $5::int[])
       ON CONFLICT (job_id) DO NOTHING
       RETURNING job_id`,
      [
        receipts.map((r) => r.jobId),
        receipts.map((r) => r.queue),
        receipts.map((r) => r.jobName),
        receipts.map((r) => JSON.stringify(r.result)),
        receipts.map((r) => r.attemptsMade),
      ],
    );
    return new Set(rows.map((r) => r.job_id));
  }

  /** The job ids among `jobIds` that have a receipt. */
  async findDone(jobIds: string[], manager?: EntityManager): Promise<Set<string>> {
    if (jobIds.length === 0) return new Set();
    const rows: Array<{ job_id: string }> = await (manager ?? this.dataSource.manager).query(
      'SELECT job_id FROM job_receipts WHERE job_id = ANY($1::varchar[])',
      [jobIds],
    );
    return new Set(rows.map((r) => r.job_id));
  }

  findByJobId(jobId: string): Promise<JobReceiptEntity | null> {
    return this.dataSource.getRepository(JobReceiptEntity).findOneBy({ jobId });
  }
}

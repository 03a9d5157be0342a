import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MessageLogRetentionEntity } from '../entities/message-log-retention.entity.js';

/** Per-member retention overrides of the message log (members without one use the configured default). */
@Injectable()
export class MessageLogRetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(MessageLogRetentionEntity);
  }

  /** Every override, by member domain. */
  listOverrides(manager?: EntityManager): Promise<MessageLogRetentionEntity[]> {
    return this.repo(manager).find({ order: { memberDomain: 'ASC' } });
  }

  /** Sets a member's retention; returns the days it had before (null: it used the default). */
  async upsert(memberDomain: string, days: number, updatedBy: string, manager: EntityManager): Promise<number | null> {
    const before: Array<{ days: number }> = await manager.query(
      'SELECT days FROM message_log_retention WHERE member_domain = $1 FOR UPDATE',
      [memberDomain],
    );
    await manager.query(
      `INSERT INTO message_log_retention (member_domain, days, updated_by, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (member_domain) DO UPDATE SET days = EXCLUDED.days, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [memberDomain, days, updatedBy],
    );
    return before[0]?.days ?? null;
  }

  /** Removes a member's override; returns the days it had, or null when it had none. */
  async remove(memberDomain: string, manager: EntityManager): Promise<number | null> {
    const rows: Array<{ days: number }> = await manager.query(
      // a SELECT, so the driver answers with rows (a bare DELETE … RETURNING answers [rows, count])
      'WITH d AS (DELETE FROM message_log_retention WHERE member_domain = $1 RETURNING days) SELECT days FROM d',
      [memberDomain],
    );
    return rows[0]?.days ?? null;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { OutboxMessageEntity } from '../entities/outbox-message.entity.js';

export interface NewOutboxMessage {
  queue: string;
  jobName: string;
  payload: Record<string, unknown>;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(OutboxMessageEntity);
  }

  /** Must be called with the transaction that makes the announced change; returns the row's job key. */
  async append(message: NewOutboxMessage, manager: EntityManager): Promise<string> {
    const result = await this.repo(manager).insert(message as Parameters<Repository<OutboxMessageEntity>['insert']>[0]);
    return String((result.generatedMaps[0] as { jobKey: string }).jobKey);
  }

  /**
   * The same row as `append` as one SQL statement with its values inlined by `literal` (the
   * connection's escapeLiteral): for a transaction that sends it in one round trip with its commit.
   */
  static insertStatement(message: NewOutboxMessage, literal: (value: string) => string): string {
    return `INSERT INTO outbox (queue, job_name, payload) VALUES (${literal(message.queue)}, ${literal(message.jobName)}, ${literal(JSON.stringify(message.payload))}::jsonb)`;
  }

  /** Oldest undispatched rows, locked; concurrent dispatchers skip each other's rows. */
  claimPending(limit: number, manager: EntityManager): Promise<OutboxMessageEntity[]> {
    return this.repo(manager)
      .createQueryBuilder('o')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('o.dispatched_at IS NULL')
      .orderBy('o.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  async markDispatched(ids: string[], manager: EntityManager): Promise<void> {
    await manager.query(
      'UPDATE outbox SET dispatched_at = now(), dispatch_attempts = dispatch_attempts + 1 WHERE id = ANY($1::bigint[])',
      [ids],
    );
  }

  async recordFailure(ids: string[], error: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE outbox SET dispatch_attempts = dispatch_attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])',
      [ids, error.slice(0, 2000)],
    );
  }

  countPending(): Promise<number> {
    return this.repo().createQueryBuilder('o').where('o.dispatched_at IS NULL').getCount();
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditEntryEntity } from '../entities/audit-entry.entity.js';

export interface AuditQuery {
  action?: string;
  actorType?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  /** keyset: entries with an id lower than this (newest first) */
  beforeId?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(AuditEntryEntity);
  }

  async append(entry: Omit<AuditEntryEntity, 'id' | 'at'>, manager: EntityManager): Promise<void> {
    await this.repo(manager).insert(entry as Parameters<Repository<AuditEntryEntity>['insert']>[0]);
  }

  list(query: AuditQuery): Promise<AuditEntryEntity[]> {
    const qb = this.repo().createQueryBuilder('a').orderBy('a.id', 'DESC').limit(query.limit);
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.actorType) qb.andWhere('a.actor_type = :actorType', { actorType: query.actorType });
    if (query.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.targetType) qb.andWhere('a.target_type = :targetType', { targetType: query.targetType });
    if (query.targetId) qb.andWhere('a.target_id = :targetId', { targetId: query.targetId });
    if (query.since) qb.andWhere('a.at >= :since', { since: query.since });
    if (query.until) qb.andWhere('a.at < :until', { until: query.until });
    if (query.beforeId) qb.andWhere('a.id < :beforeId', { beforeId: query.beforeId });
    return qb.getMany();
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LiDestinationEntity } from '../entities/li-destination.entity.js';
import { LiTaskEntity } from '../entities/li-task.entity.js';
import { LiTaskTargetEntity } from '../entities/li-task-target.entity.js';

/**
 * Tasks, their blind-index rows and destinations. The index rows follow the task's state in the
 * same transaction: present only while the task is active (the matcher joins on them).
 */
@Injectable()
export class LiTaskingRepository {
  constructor(private readonly dataSource: DataSource) {}

  private tasks(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(LiTaskEntity);
  }

  private destinations(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(LiDestinationEntity);
  }

  /** The task, locked against concurrent changes until the transaction ends. */
  findTaskForUpdate(xid: string, manager: EntityManager): Promise<LiTaskEntity | null> {
    return this.tasks(manager).findOne({ where: { xid }, lock: { mode: 'pessimistic_write' } });
  }

  findTask(xid: string): Promise<LiTaskEntity | null> {
    return this.tasks().findOneBy({ xid });
  }

  listTasks(): Promise<LiTaskEntity[]> {
    return this.tasks().find({ order: { createdAt: 'ASC' } });
  }

  /** Inserts the task unless its XId exists (then false): XIds are chosen by the caller. */
  async insertTask(task: Partial<LiTaskEntity>, manager: EntityManager): Promise<boolean> {
    const result = await this.tasks(manager).createQueryBuilder().insert().values(task).orIgnore().returning(['xid']).execute();
    return (result.raw as unknown[]).length > 0;
  }

  saveTask(task: LiTaskEntity, manager: EntityManager): Promise<LiTaskEntity> {
    return this.tasks(manager).save(task);
  }

  /** Replaces the task's index rows (none when `lookups` is empty). */
  async replaceTargets(xid: string, lookups: readonly Buffer[], manager: EntityManager): Promise<void> {
    await manager.getRepository(LiTaskTargetEntity).delete({ xid });
    const unique = [...new Map(lookups.map((l) => [l.toString('hex'), l])).values()];
    if (unique.length) await manager.getRepository(LiTaskTargetEntity).insert(unique.map((lookup) => ({ lookup, xid })));
  }

  /** Every active or waiting task, locked: DeactivateAllTasks. */
  listLiveTasksForUpdate(manager: EntityManager): Promise<LiTaskEntity[]> {
    return this.tasks(manager)
      .createQueryBuilder('t')
      .where(`t.state <> 'deactivated'`)
      .orderBy('t.xid')
      .setLock('pessimistic_write')
      .getMany();
  }

  findDestination(did: string, manager?: EntityManager): Promise<LiDestinationEntity | null> {
    return this.destinations(manager).findOneBy({ did });
  }

  /** Every destination id among `dids` that exists and is not removed. */
  async existingDestinationIds(dids: readonly string[], manager: EntityManager): Promise<Set<string>> {
    if (!dids.length) return new Set();
    const rows = await this.destinations(manager)
      .createQueryBuilder('d')
      .select('d.did', 'did')
      .where('d.did = ANY(:dids) AND d.removed_at IS NULL', { dids })
      .getRawMany<{ did: string }>();
    return new Set(rows.map((r) => r.did));
  }

  listDestinations(): Promise<LiDestinationEntity[]> {
    return this.destinations().find({ order: { createdAt: 'ASC' } });
  }

  async insertDestination(destination: Partial<LiDestinationEntity>, manager: EntityManager): Promise<boolean> {
    const result = await this.destinations(manager)
      .createQueryBuilder()
      .insert()
      .values(destination)
      .orIgnore()
      .returning(['did'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  saveDestination(destination: LiDestinationEntity, manager: EntityManager): Promise<LiDestinationEntity> {
    return this.destinations(manager).save(destination);
  }

  /** Is the destination named by a task that is not deactivated? */
  async destinationInUse(did: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM li_tasks WHERE state <> 'deactivated' AND $1 = ANY(destination_ids) LIMIT 1`,
      [did],
    );
    return rows.length > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { LiAdministratorEntity } from '../entities/li-administrator.entity.js';
import { LiAuditEntryEntity } from '../entities/li-audit-entry.entity.js';

/** LI administrators and the LI audit trail (nothing here is reachable from operators' repositories). */
@Injectable()
export class LiAdministratorRepository {
  constructor(private readonly dataSource: DataSource) {}

  private admins(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(LiAdministratorEntity);
  }

  private audit(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(LiAuditEntryEntity);
  }

  findActiveByTokenHash(tokenHash: Buffer): Promise<LiAdministratorEntity | null> {
    return this.admins().findOneBy({ tokenHash, disabledAt: IsNull() });
  }

  findActiveByCertSha256(certSha256: string): Promise<LiAdministratorEntity | null> {
    return this.admins().findOneBy({ certSha256, disabledAt: IsNull() });
  }

  findByName(name: string, manager?: EntityManager): Promise<LiAdministratorEntity | null> {
    return this.admins(manager).findOneBy({ name });
  }

  /** An active administrator by id, locked until the transaction ends. */
  findActiveForUpdate(id: string, manager: EntityManager): Promise<LiAdministratorEntity | null> {
    return this.admins(manager).findOne({ where: { id, disabledAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
  }

  /** Serialises the creation of one name across hub replicas starting together. */
  async lockName(name: string, manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`li-administrator:${name}`]);
  }

  save(admin: Partial<LiAdministratorEntity>, manager: EntityManager): Promise<LiAdministratorEntity> {
    return this.admins(manager).save(this.admins(manager).create(admin));
  }

  /** Disables the administrators that came from configuration (created_by null) but are no longer in it; returns them. */
  async disableConfiguredExcept(names: readonly string[], manager: EntityManager): Promise<Array<{ id: string; name: string }>> {
    const rows: [Array<{ id: string; name: string }>, number] = await manager.query(
      `UPDATE li_administrators SET disabled_at = now()
        WHERE created_by IS NULL AND disabled_at IS NULL AND NOT (name = ANY($1::text[])) RETURNING id, name`,
      [names],
    );
    return rows[0];
  }

  list(): Promise<LiAdministratorEntity[]> {
    return this.admins().find({ order: { createdAt: 'ASC' } });
  }

  appendAudit(entry: Partial<LiAuditEntryEntity>, manager?: EntityManager): Promise<LiAuditEntryEntity> {
    return this.audit(manager).save(this.audit(manager).create(entry));
  }

  /** Newest first, before the cursor id when given. */
  listAudit(limit: number, beforeId?: string): Promise<LiAuditEntryEntity[]> {
    const query = this.audit().createQueryBuilder('a').orderBy('a.id', 'DESC').limit(limit);
    if (beforeId !== undefined) query.where('a.id < :beforeId', { beforeId });
    return query.getMany();
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { OperatorEntity } from '../entities/operator.entity.js';

@Injectable()
export class OperatorRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(OperatorEntity);
  }

  findActiveByTokenHash(tokenHash: string): Promise<OperatorEntity | null> {
    return this.repo().findOneBy({ tokenHash, disabledAt: IsNull() });
  }

  findById(id: string, manager?: EntityManager): Promise<OperatorEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /**
   * Serialises, until the transaction ends, whoever creates or replaces the operator of that name:
   * hub replicas starting together each install the bootstrap operator, and the second insert would
   * otherwise fail on the unique name and stop that hub.
   */
  async lockName(name: string, manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`operator:${name}`]);
  }

  findByName(name: string, manager?: EntityManager): Promise<OperatorEntity | null> {
    return this.repo(manager).findOneBy({ name });
  }

  insert(operator: Partial<OperatorEntity>, manager: EntityManager): Promise<OperatorEntity> {
    return this.repo(manager).save(this.repo(manager).create(operator));
  }

  /**
   * Inserts unless the name is taken, also by a transaction that commits meanwhile (then null,
   * where a check before the insert would have let both through to a unique violation).
   */
  async insertIfNameFree(operator: Partial<OperatorEntity>, manager: EntityManager): Promise<OperatorEntity | null> {
    const result = await this.repo(manager).createQueryBuilder().insert().values(operator).orIgnore().returning(['id']).execute();
    const rows = result.raw as Array<{ id: string }>;
    if (rows.length === 0) return null;
    return this.repo(manager).findOneByOrFail({ id: rows[0].id });
  }

  save(operator: OperatorEntity, manager: EntityManager): Promise<OperatorEntity> {
    return this.repo(manager).save(operator);
  }

  list(): Promise<OperatorEntity[]> {
    return this.repo().find({ order: { createdAt: 'ASC' } });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type { LegalHoldScope } from '@app/common';
import { LegalHoldEntity } from '../entities/legal-hold.entity.js';

export interface NewLegalHold {
  scope: LegalHoldScope;
  value: string;
  reason: string;
  createdBy: string;
}

@Injectable()
export class LegalHoldRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(LegalHoldEntity);
  }

  async insert(hold: NewLegalHold, manager: EntityManager): Promise<LegalHoldEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create({ ...hold, releasedAt: null, releasedBy: null }));
  }

  /** Newest first; `activeOnly`: not released. */
  list(activeOnly: boolean): Promise<LegalHoldEntity[]> {
    return this.repo().find({
      where: activeOnly ? { releasedAt: IsNull() } : {},
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  /** The hold, locked until the transaction ends (null when there is none). */
  lockById(id: string, manager: EntityManager): Promise<LegalHoldEntity | null> {
    return this.repo(manager).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async markReleased(id: string, releasedBy: string, manager: EntityManager): Promise<LegalHoldEntity> {
    await this.repo(manager).update({ id }, { releasedAt: () => 'now()', releasedBy } as never);
    return this.repo(manager).findOneOrFail({ where: { id } });
  }

  /** Scope and value of every active hold (read in the caller's transaction). */
  async active(manager?: EntityManager): Promise<Array<{ scope: LegalHoldScope; value: string }>> {
    return this.repo(manager).find({ select: { scope: true, value: true }, where: { releasedAt: IsNull() } });
  }
}

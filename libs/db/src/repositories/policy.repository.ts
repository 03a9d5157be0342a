import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { FederationMode } from '@app/common';
import { FederationSettingEntity } from '../entities/federation-setting.entity.js';
import { InterconnectBlockEntity } from '../entities/interconnect-block.entity.js';
import { PeeringAgreementEntity } from '../entities/peering-agreement.entity.js';

/** Federation mode, peering agreements and blocks: the inputs of the interconnection decision. */
@Injectable()
export class PolicyRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  async mode(manager?: EntityManager): Promise<FederationMode> {
    const row = await this.m(manager).getRepository(FederationSettingEntity).findOneBy({ id: 1 });
    return row?.mode ?? 'open';
  }

  async setMode(mode: FederationMode, by: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(FederationSettingEntity).upsert({ id: 1, mode, updatedBy: by, updatedAt: new Date() }, ['id']);
  }

  insertAgreement(agreement: Partial<PeeringAgreementEntity>, manager: EntityManager): Promise<PeeringAgreementEntity> {
    const repo = manager.getRepository(PeeringAgreementEntity);
    return repo.save(repo.create(agreement));
  }

  lockAgreement(id: string, manager: EntityManager): Promise<PeeringAgreementEntity | null> {
    return manager
      .getRepository(PeeringAgreementEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.id = :id', { id })
      .getOne();
  }

  saveAgreement(agreement: PeeringAgreementEntity, manager: EntityManager): Promise<PeeringAgreementEntity> {
    return manager.getRepository(PeeringAgreementEntity).save(agreement);
  }

  /** Agreements in which the member takes part, newest first. */
  agreementsOf(domain: string): Promise<PeeringAgreementEntity[]> {
    return this.m()
      .getRepository(PeeringAgreementEntity)
      .createQueryBuilder('a')
      .where('a.offerer_domain = :domain OR a.offeree_domain = :domain', { domain })
      .orderBy('a.created_at', 'DESC')
      .getMany();
  }

  allAgreements(): Promise<PeeringAgreementEntity[]> {
    return this.m()
      .getRepository(PeeringAgreementEntity)
      .find({ where: [{ state: 'accepted' }, { state: 'offered' }] });
  }

  /** Open offers, agreements and refused offers (revoked ones are history: the audit trail has them), oldest first. */
  agreementsNotRevoked(): Promise<PeeringAgreementEntity[]> {
    return this.m()
      .getRepository(PeeringAgreementEntity)
      .find({ where: { state: In(['offered', 'accepted', 'rejected']) }, order: { createdAt: 'ASC' } });
  }

  allBlocks(): Promise<InterconnectBlockEntity[]> {
    return this.m().getRepository(InterconnectBlockEntity).find();
  }

  blocksBy(scope: 'member' | 'operator', blockerDomain?: string): Promise<InterconnectBlockEntity[]> {
    return this.m()
      .getRepository(InterconnectBlockEntity)
      .find({ where: blockerDomain ? { scope, blockerDomain } : { scope }, order: { createdAt: 'ASC' } });
  }

  /** Inserts the block; false when it already existed. */
  async insertBlock(block: Omit<InterconnectBlockEntity, 'createdAt'>, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO interconnect_blocks (scope, blocker_domain, blocked_domain, reason, created_by)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING scope`,
      [block.scope, block.blockerDomain, block.blockedDomain, block.reason, block.createdBy],
    );
    return rows.length > 0;
  }

  async deleteBlock(
    scope: 'member' | 'operator',
    blockerDomain: string,
    blockedDomain: string,
    manager: EntityManager,
  ): Promise<boolean> {
    const result = await manager.getRepository(InterconnectBlockEntity).delete({ scope, blockerDomain, blockedDomain });
    return (result.affected ?? 0) > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { MemberStatus } from '@app/common';
import { MemberEntity } from '../entities/member.entity.js';

/** A member as the peering graph shows it. */
export type MemberSummary = Pick<MemberEntity, 'domain' | 'displayName' | 'status'>;

export interface MemberListQuery {
  status?: MemberStatus;
  afterDomain?: string;
  limit: number;
}

@Injectable()
export class MemberRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(MemberEntity);
  }

  findByDomain(domain: string, manager?: EntityManager): Promise<MemberEntity | null> {
    return this.repo(manager).findOneBy({ domain });
  }

  findById(id: string, manager?: EntityManager): Promise<MemberEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /** Row-locks the member for a read-modify-write inside the caller's transaction. */
  lockByDomain(domain: string, manager: EntityManager): Promise<MemberEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('m')
      .setLock('pessimistic_write')
      .where('m.domain = :domain', { domain })
      .getOne();
  }

  /** Row-locks the member whose claim secret has this hash (the hash is never selected otherwise). */
  lockByClaimSecret(domain: string, claimSecretHash: string, manager: EntityManager): Promise<MemberEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('m')
      .setLock('pessimistic_write')
      .where('m.domain = :domain AND m.claim_secret_hash = :claimSecretHash', { domain, claimSecretHash })
      .getOne();
  }

  /** Forgets the claim secret: it collects one key, once. */
  async clearClaimSecret(id: string, manager: EntityManager): Promise<void> {
    await this.repo(manager).update({ id }, { claimSecretHash: null });
  }

  /** Inserts a new member; returns null when the domain is already registered. */
  async insertIfDomainFree(member: Partial<MemberEntity>, manager: EntityManager): Promise<MemberEntity | null> {
    const result = await this.repo(manager).createQueryBuilder().insert().values(member).orIgnore().returning(['id']).execute();
    const rows = result.raw as Array<{ id: string }>;
    if (rows.length === 0) return null;
    return this.repo(manager).findOneByOrFail({ id: rows[0].id });
  }

  save(member: MemberEntity, manager: EntityManager): Promise<MemberEntity> {
    return this.repo(manager).save(member);
  }

  list(query: MemberListQuery): Promise<MemberEntity[]> {
    const qb = this.repo().createQueryBuilder('m').orderBy('m.domain', 'ASC').limit(query.limit);
    if (query.status) qb.andWhere('m.status = :status', { status: query.status });
    if (query.afterDomain) qb.andWhere('m.domain > :after', { after: query.afterDomain });
    return qb.getMany();
  }

  /** Every member, whatever its status, by domain: the nodes of the peering graph. */
  summaries(): Promise<MemberSummary[]> {
    return this.repo().find({ select: { domain: true, displayName: true, status: true }, order: { domain: 'ASC' } });
  }
}

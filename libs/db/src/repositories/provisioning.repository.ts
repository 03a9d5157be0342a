import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MemberEntity } from '../entities/member.entity.js';
import { ProvisioningOverrideEntity } from '../entities/provisioning-override.entity.js';
import { ProvisioningVersionEntity } from '../entities/provisioning-version.entity.js';

/** A member with its current provisioning version (null when it never published). */
export interface MemberWithCurrent {
  member: MemberEntity;
  current: ProvisioningVersionEntity | null;
}

@Injectable()
export class ProvisioningRepository {
  constructor(private readonly dataSource: DataSource) {}

  private versions(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(ProvisioningVersionEntity);
  }

  private overrides(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(ProvisioningOverrideEntity);
  }

  findCurrent(memberId: string, manager?: EntityManager): Promise<ProvisioningVersionEntity | null> {
    return this.versions(manager).findOne({ where: { memberId }, order: { seq: 'DESC' } });
  }

  findVersion(memberId: string, seq: number): Promise<ProvisioningVersionEntity | null> {
    return this.versions().findOneBy({ memberId, seq });
  }

  listVersions(memberId: string, beforeSeq: number | undefined, limit: number): Promise<ProvisioningVersionEntity[]> {
    const qb = this.versions()
      .createQueryBuilder('v')
      .select(['v.id', 'v.memberId', 'v.seq', 'v.ver', 'v.publishedAt', 'v.publishedBy'])
      .where('v.member_id = :memberId', { memberId })
      .orderBy('v.seq', 'DESC')
      .limit(limit);
    if (beforeSeq !== undefined) qb.andWhere('v.seq < :beforeSeq', { beforeSeq });
    return qb.getMany();
  }

  insertVersion(version: Omit<ProvisioningVersionEntity, 'id' | 'publishedAt'>, manager: EntityManager) {
    return this.versions(manager).save(this.versions(manager).create(version));
  }

  /** Every member (any status) with its current version, in domain order, optionally only changed since a time. */
  async *streamMembersWithCurrent(changedSince?: Date, batchSize = 200): AsyncGenerator<MemberWithCurrent> {
    let after = '';
    for (;;) {
      const rows: Array<Record<string, unknown>> = await this.dataSource.query(
        `SELECT m.*, v.id AS v_id, v.seq AS v_seq, v.ver AS v_ver, v.document AS v_document,
                v.published_at AS v_published_at, v.published_by AS v_published_by
           FROM members m
           LEFT JOIN LATERAL (
             SELECT * FROM provisioning_versions pv WHERE pv.member_id = m.id ORDER BY pv.seq DESC LIMIT 1
           ) v ON true
          WHERE m.domain > $1
            AND ($2::timestamptz IS NULL OR greatest(m.status_changed_at, v.published_at) >= $2)
          ORDER BY m.domain
          LIMIT $3`,
        [after, changedSince ?? null, batchSize],
      );
      for (const row of rows) yield toMemberWithCurrent(row);
      if (rows.length < batchSize) return;
      after = String(rows[rows.length - 1].domain);
    }
  }

  /** Versions published after a version id (the `changes` feed), oldest first, with their member. */
  async listPublishedAfter(
    afterId: string,
    limit: number,
  ): Promise<Array<{ version: ProvisioningVersionEntity; member: MemberEntity }>> {
    const versions = await this.versions()
      .createQueryBuilder('v')
      .select(['v.id', 'v.memberId', 'v.seq', 'v.ver', 'v.publishedAt', 'v.publishedBy', 'v.document'])
      .innerJoinAndSelect('v.member', 'm')
      .where('v.id > :afterId', { afterId })
      .orderBy('v.id', 'ASC')
      .limit(limit)
      .getMany();
    return versions.map((version) => ({ version, member: version.member as MemberEntity }));
  }

  findOverride(memberId: string, peerDomain: string): Promise<ProvisioningOverrideEntity | null> {
    return this.overrides().findOneBy({ memberId, peerDomain });
  }

  /** Every override any member stores for this peer, by member id. */
  async overridesForPeer(peerDomain: string): Promise<Map<string, Record<string, unknown>>> {
    const rows = await this.overrides().find({ where: { peerDomain } });
    return new Map(rows.map((o) => [o.memberId, o.patch]));
  }

  listOverrides(memberId: string): Promise<ProvisioningOverrideEntity[]> {
    return this.overrides().find({ where: { memberId }, order: { peerDomain: 'ASC' } });
  }

  async upsertOverride(memberId: string, peerDomain: string, patch: Record<string, unknown>, manager: EntityManager) {
    await this.overrides(manager).upsert({ memberId, peerDomain, patch: patch as never, updatedAt: new Date() }, [
      'memberId',
      'peerDomain',
    ]);
    return this.overrides(manager).findOneByOrFail({ memberId, peerDomain });
  }

  async deleteOverride(memberId: string, peerDomain: string, manager: EntityManager): Promise<boolean> {
    const result = await this.overrides(manager).delete({ memberId, peerDomain });
    return (result.affected ?? 0) > 0;
  }
}

function toMemberWithCurrent(row: Record<string, unknown>): MemberWithCurrent {
  const member = Object.assign(new MemberEntity(), {
    id: row.id,
    domain: row.domain,
    displayName: row.display_name,
    protocols: row.protocols,
    contacts: row.contacts,
    status: row.status,
    statusReason: row.status_reason,
    statusChangedAt: row.status_changed_at,
    appliedBy: row.applied_by,
    rowVersion: row.row_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  const current =
    row.v_id === null
      ? null
      : Object.assign(new ProvisioningVersionEntity(), {
          id: String(row.v_id),
          memberId: member.id,
          seq: Number(row.v_seq),
          ver: row.v_ver,
          document: row.v_document,
          publishedAt: row.v_published_at,
          publishedBy: row.v_published_by,
        });
  return { member, current };
}

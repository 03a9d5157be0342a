import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { MemberApiKeyEntity } from '../entities/member-api-key.entity.js';
import { MemberEntity } from '../entities/member.entity.js';

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(MemberApiKeyEntity);
  }

  insert(key: Partial<MemberApiKeyEntity>, manager: EntityManager): Promise<MemberApiKeyEntity> {
    return this.repo(manager).save(this.repo(manager).create(key));
  }

  listForMember(memberId: string): Promise<MemberApiKeyEntity[]> {
    return this.repo().find({ where: { memberId }, order: { createdAt: 'ASC' } });
  }

  findForMember(memberId: string, keyId: string, manager?: EntityManager): Promise<MemberApiKeyEntity | null> {
    return this.repo(manager).findOneBy({ memberId, id: keyId });
  }

  /** The unrevoked key with this hash and its member, in one query (the per-request auth path). */
  async findUnrevokedWithMember(tokenHash: string): Promise<{ key: MemberApiKeyEntity; member: MemberEntity } | null> {
    const key = await this.repo().findOne({
      where: { tokenHash, revokedAt: IsNull() },
      relations: { member: true },
    });
    return key?.member ? { key, member: key.member } : null;
  }

  async revoke(keyId: string, at: Date, manager: EntityManager): Promise<void> {
    await this.repo(manager).update({ id: keyId, revokedAt: IsNull() }, { revokedAt: at });
  }
}

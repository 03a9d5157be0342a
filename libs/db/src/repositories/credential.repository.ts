import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { MemberCredentialEntity } from '../entities/member-credential.entity.js';
import { MemberEntity } from '../entities/member.entity.js';

@Injectable()
export class CredentialRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(MemberCredentialEntity);
  }

  insert(credential: Partial<MemberCredentialEntity>, manager: EntityManager): Promise<MemberCredentialEntity> {
    return this.repo(manager).save(this.repo(manager).create(credential));
  }

  listForMember(memberId: string): Promise<MemberCredentialEntity[]> {
    return this.repo().find({ where: { memberId }, order: { createdAt: 'ASC' } });
  }

  findForMember(memberId: string, id: string, manager?: EntityManager): Promise<MemberCredentialEntity | null> {
    return this.repo(manager).findOneBy({ memberId, id });
  }

  findJwk(memberId: string, kid: string): Promise<MemberCredentialEntity | null> {
    return this.repo().findOneBy({ memberId, kid, kind: 'jwk' });
  }

  /** Unrevoked pins with this hash, with their members (validity window checked by the caller). */
  async findPinned(pinSha256: string): Promise<Array<{ credential: MemberCredentialEntity; member: MemberEntity }>> {
    const rows = await this.repo().find({ where: { pinSha256, revokedAt: IsNull() }, relations: { member: true } });
    return rows.filter((c) => c.member).map((credential) => ({ credential, member: credential.member as MemberEntity }));
  }

  async revoke(id: string, at: Date, manager: EntityManager): Promise<void> {
    await this.repo(manager).update({ id, revokedAt: IsNull() }, { revokedAt: at });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { HubSigningKeyEntity } from '../entities/hub-signing-key.entity.js';
import { UsedJtiEntity } from '../entities/used-jti.entity.js';

@Injectable()
export class HubKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every key, oldest first; pass the transaction's manager to read under its locks. */
  all(manager: EntityManager = this.dataSource.manager): Promise<HubSigningKeyEntity[]> {
    return manager.getRepository(HubSigningKeyEntity).find({ order: { createdAt: 'ASC', kid: 'ASC' } });
  }

  /** createdAt defaults to the database's now(); give it to schedule the key on the application's clock. */
  async insert(key: Omit<HubSigningKeyEntity, 'createdAt'> & { createdAt?: Date }, manager: EntityManager): Promise<void> {
    await manager.getRepository(HubSigningKeyEntity).insert(key as never);
  }

  async retire(kid: string, at: Date, manager: EntityManager): Promise<void> {
    await manager.getRepository(HubSigningKeyEntity).update({ kid }, { retiresAt: at });
  }

  /** Records a JWT id; false when it was already used (a replay). Expired ids are purged on the way. */
  async recordJti(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    // ids are useless once their token expired; purge now and then rather than on every request
    if (Math.random() < 0.01) await this.dataSource.query("DELETE FROM used_jtis WHERE expires_at < now() - interval '1 minute'");
    const rows: unknown[] = await this.dataSource.query(
      'INSERT INTO used_jtis (issuer, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING jti',
      [issuer, jti, expiresAt],
    );
    return rows.length > 0;
  }

  countJtis(): Promise<number> {
    return this.dataSource.getRepository(UsedJtiEntity).count();
  }
}

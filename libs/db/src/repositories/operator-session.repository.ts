import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OperatorSessionEntity } from '../entities/operator-session.entity.js';
import { OperatorEntity } from '../entities/operator.entity.js';

/** Operators' browser sessions, looked up by the hash of the cookie's value. */
@Injectable()
export class OperatorSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    session: Pick<OperatorSessionEntity, 'tokenHash' | 'operatorId' | 'expiresAt'>,
    manager: EntityManager,
  ): Promise<void> {
    await manager.getRepository(OperatorSessionEntity).insert(session);
  }

  /** The operator of an unexpired session, if that operator is not disabled. */
  findActiveOperator(tokenHash: string): Promise<OperatorEntity | null> {
    return this.dataSource
      .getRepository(OperatorEntity)
      .createQueryBuilder('o')
      .innerJoin(OperatorSessionEntity, 's', 's.operator_id = o.id')
      .where('s.token_hash = :tokenHash AND s.expires_at > now() AND o.disabled_at IS NULL', { tokenHash })
      .getOne();
  }

  /** Ends a session (sign-out); true if there was one. */
  async delete(tokenHash: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(OperatorSessionEntity).delete({ tokenHash });
    return (result.affected ?? 0) > 0;
  }

  /** Expired sessions are kept until the next sign-in removes them (there are few). */
  async deleteExpired(manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM operator_sessions WHERE expires_at <= now()');
  }
}

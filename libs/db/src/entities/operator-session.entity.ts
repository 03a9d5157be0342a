import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OperatorEntity } from './operator.entity.js';

/**
 * A browser sign-in of an operator (the queue dashboard's session cookie): only the SHA-256 of the
 * cookie's value is stored. Ends at `expires_at`, at sign-out, or when its operator is disabled.
 */
@Entity({ name: 'operator_sessions' })
export class OperatorSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_operator_sessions_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Index('idx_operator_sessions_operator')
  @Column({ name: 'operator_id', type: 'uuid' })
  operatorId: string;

  @ManyToOne(() => OperatorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'operator_id', foreignKeyConstraintName: 'fk_operator_sessions_operator' })
  operator?: OperatorEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}

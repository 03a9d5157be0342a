import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { type OperatorRole } from '@app/common';

/** An operator account; only the SHA-256 of its bearer token is stored. */
@Entity({ name: 'operators' })
@Check('ck_operators_role', `role IN ('admin', 'auditor')`)
export class OperatorEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_operators_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: OperatorRole;

  @Index('uq_operators_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ name: 'token_prefix', type: 'varchar', length: 16 })
  tokenPrefix: string;

  @Column({ name: 'created_by', type: 'varchar', length: 100, nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;
}

import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { type MemberContacts, type MemberProtocol, type MemberStatus } from '@app/common';

@Entity({ name: 'members' })
@Index('idx_members_status_domain', ['status', 'domain'])
@Check('ck_members_status', `status IN ('pending', 'active', 'suspended', 'withdrawn')`)
export class MemberEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_members_domain', { unique: true })
  @Column({ type: 'varchar', length: 253 })
  domain: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName: string;

  @Column({ type: 'text', array: true })
  protocols: MemberProtocol[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  contacts: MemberContacts;

  @Column({ type: 'varchar', length: 16 })
  status: MemberStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz' })
  statusChangedAt: Date;

  @Column({ name: 'applied_by', type: 'varchar', length: 16 })
  appliedBy: 'self' | 'operator';

  /** SHA-256 of the secret a self-applied member collects its first API key with; null once used. */
  @Column({ name: 'claim_secret_hash', type: 'varchar', length: 64, nullable: true, select: false })
  claimSecretHash?: string | null;

  @VersionColumn({ name: 'row_version' })
  rowVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { MemberEntity } from './member.entity.js';

/** An immutable published version of a member's provisioning document (JSON model, hub attributes stripped). */
@Entity({ name: 'provisioning_versions' })
@Index('uq_provisioning_versions_member_seq', ['memberId', 'seq'], { unique: true })
@Index('idx_provisioning_versions_published', ['publishedAt', 'id'])
export class ProvisioningVersionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'member_id', type: 'uuid' })
  memberId: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_provisioning_versions_member' })
  member?: MemberEntity;

  /** 1, 2, 3… per member. */
  @Column({ type: 'int' })
  seq: number;

  /** Content hash over the canonical form: the same content always has the same ver. */
  @Column({ type: 'varchar', length: 64 })
  ver: string;

  @Column({ type: 'jsonb' })
  document: Record<string, unknown>;

  @CreateDateColumn({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;

  /** API key (or other credential) id that published it. */
  @Column({ name: 'published_by', type: 'varchar', length: 100 })
  publishedBy: string;
}

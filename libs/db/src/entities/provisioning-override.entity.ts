import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { MemberEntity } from './member.entity.js';

/** A member's per-peer override: a JSON Merge Patch applied to its current document for that peer only. */
@Entity({ name: 'provisioning_overrides' })
export class ProvisioningOverrideEntity {
  @PrimaryColumn({ name: 'member_id', type: 'uuid' })
  memberId: string;

  @PrimaryColumn({ name: 'peer_domain', type: 'varchar', length: 253 })
  peerDomain: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_provisioning_overrides_member' })
  member?: MemberEntity;

  @Column({ type: 'jsonb' })
  patch: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { type AgreementState, type PeeringService } from '@app/common';

/**
 * A peering offer from one member to another (modelled on SPPF peering offers); once accepted
 * it is an agreement covering both directions for its services, until revoked by either side or
 * past its expiry (checked at decision time, so no job has to run).
 */
@Entity({ name: 'peering_agreements' })
@Index('idx_peering_agreements_pair', ['offererDomain', 'offereeDomain'])
@Index('idx_peering_agreements_offeree', ['offereeDomain'])
@Check('ck_peering_agreements_state', `state IN ('offered', 'accepted', 'rejected', 'revoked')`)
export class PeeringAgreementEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'offerer_domain', type: 'varchar', length: 253 })
  offererDomain: string;

  @Column({ name: 'offeree_domain', type: 'varchar', length: 253 })
  offereeDomain: string;

  @Column({ type: 'text', array: true })
  services: PeeringService[];

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'varchar', length: 16 })
  state: AgreementState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_by', type: 'varchar', length: 253, nullable: true })
  revokedBy: string | null;
}

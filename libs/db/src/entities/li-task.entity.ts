import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type LiTaskState = 'awaiting-approval' | 'active' | 'deactivated';
export type LiDeliveryType = 'iri' | 'iri-and-cc';

/**
 * An interception task (X1 XId, chosen by the caller). Targets and warrant reference are sealed;
 * what the matcher needs in clear (state, window, delivery type, destinations) names nobody.
 */
@Entity({ name: 'li_tasks' })
@Check('ck_li_tasks_state', `state IN ('awaiting-approval', 'active', 'deactivated')`)
@Check('ck_li_tasks_delivery_type', `delivery_type IN ('iri', 'iri-and-cc')`)
@Index('idx_li_tasks_state', ['state'])
export class LiTaskEntity {
  @PrimaryColumn({ type: 'uuid' })
  xid: string;

  @Column({ type: 'text' })
  state: LiTaskState;

  @Column({ name: 'delivery_type', type: 'text' })
  deliveryType: LiDeliveryType;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom: Date;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil: Date | null;

  @Column({ name: 'destination_ids', type: 'uuid', array: true })
  destinationIds: string[];

  /** sealed {targets: LiTarget[], warrantReference} */
  @Column({ type: 'bytea' })
  sealed: Buffer;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'approved_by', type: 'uuid', nullable: true })
  approvedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt: Date;

  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null;
}

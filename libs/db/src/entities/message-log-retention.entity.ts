import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A member's own retention of its message-log records (origin = the member); others use the default. */
@Entity({ name: 'message_log_retention' })
export class MessageLogRetentionEntity {
  @PrimaryColumn({ name: 'member_domain', type: 'varchar', length: 253 })
  memberDomain: string;

  @Column({ type: 'int' })
  days: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 255 })
  updatedBy: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only trail of every lawful-interception action, kept apart from the operators' audit log
 * and readable only by LI administrators. Whatever names a target or a destination is in the
 * sealed detail, never in clear.
 */
@Entity({ name: 'li_audit' })
@Index('idx_li_audit_xid', ['xid', 'id'])
export class LiAuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;

  /** null: the hub itself, or a caller that was refused before being identified */
  @Column({ name: 'administrator_id', type: 'uuid', nullable: true })
  administratorId: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'uuid', nullable: true })
  xid: string | null;

  @Column({ type: 'text' })
  outcome: string;

  /** sealed with LiSealer */
  @Column({ type: 'bytea', nullable: true })
  detail: Buffer | null;
}

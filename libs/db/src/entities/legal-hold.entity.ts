import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { type LegalHoldScope } from '@app/common';

/**
 * An operator's legal hold: while it is active (not released), retention deletes no message-log
 * record that matches it — every record of a member's network, of one participant URI, or of one room.
 */
@Entity({ name: 'legal_holds' })
@Index('idx_legal_holds_active', ['releasedAt', 'scope'])
@Check('ck_legal_holds_scope', `scope IN ('member', 'participant', 'room')`)
export class LegalHoldEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  scope: LegalHoldScope;

  /** a member domain, a participant URI or a room id, normalised as the log stores it */
  @Column({ type: 'text' })
  value: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'created_by', type: 'varchar', length: 255 })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt: Date | null;

  @Column({ name: 'released_by', type: 'varchar', length: 255, nullable: true })
  releasedBy: string | null;
}

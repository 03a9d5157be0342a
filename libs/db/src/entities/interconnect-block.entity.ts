import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A block. Scope `member`: `blockerDomain` refuses any interconnection with `blockedDomain`.
 * Scope `operator`: operators forbid the pair; stored with the two domains in sorted order.
 */
@Entity({ name: 'interconnect_blocks' })
export class InterconnectBlockEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  scope: 'member' | 'operator';

  @PrimaryColumn({ name: 'blocker_domain', type: 'varchar', length: 253 })
  blockerDomain: string;

  @PrimaryColumn({ name: 'blocked_domain', type: 'varchar', length: 253 })
  blockedDomain: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 255 })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

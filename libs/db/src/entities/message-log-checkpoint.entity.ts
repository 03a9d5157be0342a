import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Retention removed the records `fromSeq`..`toSeq` of `origin`'s hash chain. The hub signs the
 * link it cut (`hashBefore`: chain hash before fromSeq, `hashAfter`: chain hash at toSeq), so the
 * records that remain still verify across the gap.
 */
@Entity({ name: 'message_log_checkpoints' })
@Index('idx_message_log_checkpoints_origin_seq', ['origin', 'fromSeq'])
export class MessageLogCheckpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 253 })
  origin: string;

  @Column({ name: 'from_seq', type: 'bigint' })
  fromSeq: string;

  @Column({ name: 'to_seq', type: 'bigint' })
  toSeq: string;

  @Column({ name: 'record_count', type: 'bigint' })
  recordCount: string;

  @Column({ name: 'hash_before', type: 'bytea' })
  hashBefore: Buffer;

  @Column({ name: 'hash_after', type: 'bytea' })
  hashAfter: Buffer;

  /** compact JWS by a hub signing key over the fields above */
  @Column({ type: 'text' })
  signature: string;

  @Column({ type: 'varchar', length: 32 })
  reason: 'retention';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only, hash-chained record of every credential, agreement, block and policy change. */
@Entity({ name: 'transparency_log' })
// GIN index on subjects, created by the migration (TypeORM cannot declare GIN indexes)
@Index('idx_transparency_log_subjects', { synchronize: false })
export class TransparencyEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'varchar', length: 64 })
  kind: string;

  /** Member domains the entry concerns (members may read those entries). */
  @Column({ type: 'text', array: true })
  subjects: string[];

  @Column({ type: 'jsonb' })
  entry: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Index('uq_transparency_log_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  hash: string;
}

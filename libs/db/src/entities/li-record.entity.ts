import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One IRI or CC record for one destination of the task that produced it: `seq` numbers it in the
 * (task, destination) stream when it is first sent, so the stream's numbers follow the order its
 * destination receives them. The record itself is sealed (it
 * names the target's communications); it stays here once delivered, for the delivery log.
 */
@Entity({ name: 'li_records' })
@Index('uq_li_records_stream_seq', ['xid', 'destinationId', 'seq'], { unique: true })
@Index('idx_li_records_pending', ['destinationId', 'seq', 'id'], { where: '"delivered_at" IS NULL' })
export class LiRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  xid: string;

  @Column({ name: 'destination_id', type: 'uuid' })
  destinationId: string;

  /** null until the delivery worker first sends it */
  @Column({ type: 'bigint', nullable: true })
  seq: string | null;

  /** sealed LiRecord (IRI or CC) */
  @Column({ type: 'bytea' })
  sealed: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}

/** The last sequence number given in each (task, destination) stream (by the delivery worker holding the destination's lease). */
@Entity({ name: 'li_record_streams' })
export class LiRecordStreamEntity {
  @Column({ type: 'uuid', primary: true })
  xid: string;

  @Column({ name: 'destination_id', type: 'uuid', primary: true })
  destinationId: string;

  @Column({ name: 'last_seq', type: 'bigint' })
  lastSeq: string;
}

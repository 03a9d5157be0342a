import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One IRI or CC record for one destination of the task that produced it, waiting to be delivered.
 * The record itself is sealed (it names the target's communications). Its number in the (task,
 * destination) stream is given when the delivery worker first sends it (li_delivery_state holds the
 * batch in flight), and once the destination has it the row is deleted: the hub keeps no copy of
 * what an agency received.
 */
@Entity({ name: 'li_records' })
@Index('idx_li_records_pending', ['destinationId', 'id'])
export class LiRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  xid: string;

  @Column({ name: 'destination_id', type: 'uuid' })
  destinationId: string;

  /** sealed LiRecord (IRI or CC) */
  @Column({ type: 'bytea' })
  sealed: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
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

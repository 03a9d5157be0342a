import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Records logged per origin member and UTC day, kept by the worker from committed batches. */
@Entity({ name: 'message_log_daily_stats' })
export class MessageLogDailyStatEntity {
  @PrimaryColumn({ type: 'varchar', length: 253 })
  origin: string;

  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ type: 'bigint', default: 0 })
  records: string;

  @Column({ name: 'body_bytes', type: 'bigint', default: 0 })
  bodyBytes: string;

  @Column({ type: 'bigint', default: 0 })
  batches: string;
}

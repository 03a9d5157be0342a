import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import { type UsageKind } from '@app/common';

/**
 * How much of one kind of work the hub did for a member on one UTC day: the member's total
 * (`peer` = '') and, per peering pair, with each peer (`peer` = the other member). Incremented in
 * the transaction of the counted work (or, for provisioning fetches, by the hub's periodic flush),
 * never recomputed: the settlement basis between members.
 */
@Entity({ name: 'usage_counters' })
@Check(
  'ck_usage_counters_kind',
  `kind IN ('messages-logged', 'chat-messages', 'chat-deliveries', 'provisioning-fetches', 'assertions-issued')`,
)
export class UsageCounterEntity {
  @PrimaryColumn({ type: 'date' })
  day: string;

  /** the member the work is counted for ('' for anonymous provisioning fetches) */
  @PrimaryColumn({ type: 'varchar', length: 253 })
  member: string;

  /** '' for the member's total, else the other member of the pair */
  @PrimaryColumn({ type: 'varchar', length: 253 })
  peer: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  kind: UsageKind;

  @Column({ type: 'bigint' })
  n: string;
}

/**
 * One flush of counts kept in memory (provisioning fetches), recorded in the flush's
 * transaction: a flush retried after a lost answer finds its id and adds nothing twice.
 */
@Entity({ name: 'usage_flushes' })
export class UsageFlushEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'flushed_at', type: 'timestamptz', default: () => 'now()' })
  flushedAt: Date;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ChatDeliveryOutcome = 'acknowledged' | 'pushed' | 'withheld' | 'discarded';

/**
 * One room event for one member network: written in the transaction of the event, with the
 * network's users who receive it, so nothing committed is lost between the room and its
 * destinations. `id` orders a network's deliveries across rooms (its pull cursor); a delivery
 * is done when the network acknowledged it or its gateway answered 2xx.
 */
@Entity({ name: 'chat_deliveries' })
@Index('uq_chat_deliveries_event', ['roomId', 'seq', 'network'], { unique: true })
@Index('idx_chat_deliveries_pending', ['network', 'id'], { where: '"delivered_at" IS NULL' })
export class ChatDeliveryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'room_id', type: 'varchar', length: 32 })
  roomId: string;

  @Column({ type: 'bigint' })
  seq: string;

  @Column({ type: 'varchar', length: 253 })
  network: string;

  /** the network's users the event is for */
  @Column({ type: 'text', array: true })
  recipients: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  /** how it was done: pulled and acknowledged, pushed (the gateway answered 2xx), withheld (no longer to be shown), discarded by an operator */
  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome: ChatDeliveryOutcome | null;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One event of a room, numbered by the room (`seq`): its creation, a membership change, a new
 * subject, or a message. `clientId` makes a network's post idempotent: the same id from the same
 * network is the same message.
 */
@Entity({ name: 'chat_events' })
@Index('uq_chat_events_client_id', ['roomId', 'network', 'clientId'], { unique: true, where: '"client_id" IS NOT NULL' })
export class ChatEventEntity {
  @PrimaryColumn({ name: 'room_id', type: 'varchar', length: 32 })
  roomId: string;

  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'varchar', length: 24 })
  kind: string;

  /** who did it: a participant URI, or null for the hub itself (a removal after a policy change) */
  @Column({ type: 'text', nullable: true })
  actor: string | null;

  /** the participant the event is about (joined, invited, kicked…), if any */
  @Column({ name: 'user_uri', type: 'text', nullable: true })
  userUri: string | null;

  /** the member network that caused it, or the hub's domain */
  @Column({ type: 'varchar', length: 253 })
  network: string;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  content: Record<string, unknown>;

  @Column({ name: 'client_id', type: 'varchar', length: 128, nullable: true })
  clientId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

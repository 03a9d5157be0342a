import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { type ChatHistoryVisibility } from '@app/common';

/**
 * A room the hub hosts: its URI is on the hub's own chat domain, and the hub enforces who may be
 * in it. `lastSeq` is the room's event counter: every membership change, subject and message takes
 * the next number under the room's row lock, so events are totally ordered per room.
 */
@Entity({ name: 'chat_rooms' })
@Check('ck_chat_rooms_history', `history_visibility IN ('shared', 'joined', 'invited')`)
export class ChatRoomEntity {
  /** opaque, URL-safe: the local part of the room URI */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Index('uq_chat_rooms_uri', { unique: true })
  @Column({ type: 'text' })
  uri: string;

  /** the member network that created the room */
  @Column({ name: 'creator_network', type: 'varchar', length: 253 })
  creatorNetwork: string;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ name: 'history_visibility', type: 'varchar', length: 16 })
  historyVisibility: ChatHistoryVisibility;

  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

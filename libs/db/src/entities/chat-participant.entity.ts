import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { type ChatParticipantState, type ChatRole } from '@app/common';

/**
 * A user's place in a room: its role, and where it stands (invited, joined, or gone and why). The
 * row stays after the user leaves, so a ban holds and the history a user may read stays known.
 */
@Entity({ name: 'chat_participants' })
@Index('idx_chat_participants_network', ['network', 'state'])
@Check('ck_chat_participants_role', `role IN ('owner', 'moderator', 'participant')`)
@Check('ck_chat_participants_state', `state IN ('invited', 'joined', 'left', 'kicked', 'banned', 'removed')`)
export class ChatParticipantEntity {
  @PrimaryColumn({ name: 'room_id', type: 'varchar', length: 32 })
  roomId: string;

  /** normal form of the participant URI (the message log's normaliser) */
  @PrimaryColumn({ name: 'user_uri', type: 'text' })
  userUri: string;

  /** the member network the user belongs to */
  @Column({ type: 'varchar', length: 253 })
  network: string;

  @Column({ type: 'varchar', length: 16 })
  role: ChatRole;

  @Column({ type: 'varchar', length: 16 })
  state: ChatParticipantState;

  /** the room event that invited the user (latest invitation), if any */
  @Column({ name: 'invited_seq', type: 'bigint', nullable: true })
  invitedSeq: string | null;

  /** the room event at which the user last joined, if it did */
  @Column({ name: 'joined_seq', type: 'bigint', nullable: true })
  joinedSeq: string | null;

  @Column({ name: 'joined_at', type: 'timestamptz', nullable: true })
  joinedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { ApiProperty } from '@nestjs/swagger';
import { CHAT_HISTORY_VISIBILITIES, CHAT_PARTICIPANT_STATES, CHAT_ROLES } from '@app/common';

/** OpenAPI schemas of the chat responses. */
export class ParticipantResponse {
  @ApiProperty({ example: 'sip:bob@b.example.org' }) user: string;
  @ApiProperty({ example: 'b.example.org' }) network: string;
  @ApiProperty({ enum: CHAT_ROLES }) role: string;
  @ApiProperty({ enum: CHAT_PARTICIPANT_STATES }) state: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) joinedAt: string | null;
}

export class RoomResponse {
  @ApiProperty({ example: 'k3vq7m2xa5bdr4ttpq6e' }) id: string;
  @ApiProperty({ example: 'xmpp:k3vq7m2xa5bdr4ttpq6e@hub.example' }) uri: string;
  @ApiProperty({ type: String, nullable: true }) subject: string | null;
  @ApiProperty({ enum: CHAT_HISTORY_VISIBILITIES }) historyVisibility: string;
  @ApiProperty({ description: 'the number of the room’s latest event', example: 3 }) lastSeq: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({
    type: [ParticipantResponse],
    description: 'everyone invited or joined, and who left, was kicked, banned or removed (of the networks you may see)',
  })
  participants: ParticipantResponse[];
}

export class RoomListResponse {
  @ApiProperty({ type: [RoomResponse] }) items: RoomResponse[];
}

export class PostedMessageResponse {
  @ApiProperty({ example: 'k3vq7m2xa5bdr4ttpq6e' }) roomId: string;
  @ApiProperty({ description: 'the message’s number in the room', example: 7 }) seq: number;
  @ApiProperty({ example: 'a1b2c3-0001' }) clientId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RoomEventResponse {
  @ApiProperty({ example: 7 }) seq: number;
  @ApiProperty({
    enum: ['created', 'invited', 'joined', 'left', 'kicked', 'banned', 'unbanned', 'removed', 'role', 'subject', 'message'],
  })
  kind: string;
  @ApiProperty({ type: String, nullable: true, description: 'who did it; null for the hub itself' }) actor: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the participant it is about' }) user: string | null;
  @ApiProperty({ description: 'body and mediaType of a message; subject, role change or reason of the others' })
  content: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RoomEventListResponse {
  @ApiProperty({ type: [RoomEventResponse] }) items: RoomEventResponse[];
  @ApiProperty({ example: 7, description: 'the last event read (shown or not): pass it as afterSeq for the next page' })
  next: number;
}

export class ChatDeliveryResponse {
  @ApiProperty({ example: 42, description: 'this delivery’s cursor' }) id: number;
  @ApiProperty({ example: 'k3vq7m2xa5bdr4ttpq6e' }) roomId: string;
  @ApiProperty({ example: 'xmpp:k3vq7m2xa5bdr4ttpq6e@hub.example' }) roomUri: string;
  @ApiProperty({ type: [String], description: 'your users the event is for' }) recipients: string[];
  @ApiProperty({ type: RoomEventResponse }) event: RoomEventResponse;
}

export class ChatDeliveryListResponse {
  @ApiProperty({ type: [ChatDeliveryResponse] }) items: ChatDeliveryResponse[];
  @ApiProperty({ example: 42, description: 'pull after this next time, and acknowledge up to it once handled' }) next: number;
}

export class AcknowledgedResponse {
  @ApiProperty({ description: 'deliveries newly marked done' }) acknowledged: number;
}

export class ChatDestinationResponse {
  @ApiProperty({ example: 'b.example.org' }) network: string;
  @ApiProperty({
    enum: ['push', 'pull'],
    description: 'push: the network declares a chat gateway; pull: it reads its deliveries',
  })
  mode: 'push' | 'pull';
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'https://chat-gw.b.example.org/hub/events',
    description: 'origin and path',
  })
  gateway: string | null;
  @ApiProperty({ description: 'deliveries not yet done' }) pending: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) oldestPendingAt: string | null;
  @ApiProperty({ description: 'failed pushes in a row' }) attempts: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'no push before this (backoff)' })
  nextAttemptAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'set: nothing is pushed until an admin acts' })
  parkedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSuccessAt: string | null;
}

export class ChatDestinationListResponse {
  @ApiProperty({ type: [ChatDestinationResponse] }) items: ChatDestinationResponse[];
}

export class DiscardedDeliveriesResponse {
  @ApiProperty({ description: 'deliveries given up' }) discarded: number;
}

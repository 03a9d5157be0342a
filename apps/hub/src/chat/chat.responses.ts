import { type ChatDestinationView, type PostedMessage, roomEventView, type RoomView } from '@app/chat';
import type { ChatEventEntity } from '@app/db';
import type {
  ChatDestinationResponse,
  ParticipantResponse,
  PostedMessageResponse,
  RoomEventResponse,
  RoomResponse,
} from './chat.schemas.js';

export function toRoomResponse({ room, participants }: RoomView): RoomResponse {
  return {
    id: room.id,
    uri: room.uri,
    subject: room.subject,
    historyVisibility: room.historyVisibility,
    lastSeq: Number(room.lastSeq),
    createdAt: room.createdAt.toISOString(),
    participants: participants.map((p): ParticipantResponse => ({
      user: p.userUri,
      network: p.network,
      role: p.role,
      state: p.state,
      joinedAt: p.joinedAt?.toISOString() ?? null,
    })),
  };
}

export function toPostedMessageResponse({ roomId, event }: PostedMessage): PostedMessageResponse {
  return { roomId, seq: Number(event.seq), clientId: event.clientId as string, createdAt: event.createdAt.toISOString() };
}

export const toRoomEventResponse: (
  e: Pick<ChatEventEntity, 'seq' | 'kind' | 'actor' | 'userUri' | 'content' | 'createdAt'>,
) => RoomEventResponse = roomEventView;

export function toChatDestinationResponse(d: ChatDestinationView): ChatDestinationResponse {
  const at = (date: Date | null) => date?.toISOString() ?? null;
  return {
    network: d.network,
    mode: d.mode,
    gateway: d.gateway,
    pending: d.pending,
    oldestPendingAt: at(d.oldestPendingAt),
    attempts: d.attempts,
    nextAttemptAt: at(d.nextAttemptAt),
    parkedAt: at(d.parkedAt),
    lastError: d.lastError,
    lastSuccessAt: at(d.lastSuccessAt),
  };
}

import type { RoomView } from '@app/chat';
import type { ParticipantResponse, RoomResponse } from './chat.schemas.js';

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

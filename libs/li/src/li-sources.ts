import type { LiLoggedMessageRow, LiRoomEventRow } from '@app/db';
import { bodySha256Of, type LiObservedCommunication } from './li-record.js';

/** The message id a room's message has in the central log (the chat library's chatMessageId). */
export type RoomMessageId = (roomId: string, seq: string) => string;

export function loggedMessage(row: LiLoggedMessageRow): LiObservedCommunication {
  return {
    source: 'message-log',
    key: `${row.origin}\n${row.messageId}`,
    event: 'message',
    messageId: row.messageId,
    network: row.origin,
    from: row.sender,
    to: row.recipients,
    room: row.room,
    at: row.ts,
    direction: row.direction,
    content: { contentType: row.contentType, body: row.body, bodySha256: row.bodySha256.toString('hex') },
  };
}

export function roomEvent(row: LiRoomEventRow, messageIdOf: RoomMessageId): LiObservedCommunication {
  const isMessage = row.kind === 'message';
  const to = [...row.recipients];
  if (row.userUri !== null && row.userUri !== row.actor && !to.includes(row.userUri)) to.push(row.userUri);
  const body = typeof row.content.body === 'string' ? row.content.body : null;
  const mediaType = typeof row.content.mediaType === 'string' ? row.content.mediaType : 'text/plain';
  return {
    source: 'chat',
    key: `${row.roomId}\n${row.seq}`,
    event: row.kind,
    messageId: isMessage ? messageIdOf(row.roomId, row.seq) : null,
    network: row.network,
    from: row.actor,
    to,
    room: row.roomUri,
    at: row.createdAt,
    direction: null,
    content: isMessage && body !== null ? { contentType: mediaType, body, bodySha256: bodySha256Of(body) } : null,
  };
}

/** Every user URI a communication involves, for the matcher. */
export function participantsOf(c: LiObservedCommunication): string[] {
  return c.from === null ? c.to : [c.from, ...c.to];
}

import { Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, InvalidInputError } from '@app/common';
import { type ChatEventEntity, ChatRepository } from '@app/db';
import { JobName, OutboxWriter } from '@app/queue';
import { ChatRooms } from './chat-rooms.service.js';
import { eventShownTo } from './event-visibility.js';

/** The largest message body, in UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface NewMessage {
  from: string;
  clientId: string;
  body: string;
  mediaType: string;
}

/** One page of a room's history: the events shown, and the number to read after next. */
export interface RoomHistoryPage {
  events: ChatEventEntity[];
  /** the last event read, shown or not */
  next: string;
}

export interface PostedMessage {
  roomId: string;
  event: ChatEventEntity;
}

/**
 * Messages in hub-hosted rooms. A post is committed with the room's next number and an outbox row
 * in one transaction before the caller is answered; the worker then logs it in the central
 * message log and delivers it. The network's client id makes a post idempotent.
 */
@Injectable()
export class ChatMessages {
  constructor(
    private readonly rooms: ChatRooms,
    private readonly chat: ChatRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async post(network: string, roomId: string, input: NewMessage): Promise<PostedMessage> {
    if (Buffer.byteLength(input.body, 'utf8') > MAX_MESSAGE_BYTES) {
      throw InvalidInputError.forField('body', `must be at most ${MAX_MESSAGE_BYTES} bytes in UTF-8`);
    }
    const from = await this.rooms.ownUser(network, input.from, 'from');
    const { result } = await this.rooms.inRoom(
      network,
      roomId,
      async ({ participants, manager }) => {
        const sender = participants.find((p) => p.userUri === from);
        const earlier = await this.chat.eventByClientId(roomId, network, input.clientId, manager);
        if (earlier) {
          const same =
            earlier.actor === from && earlier.content.body === input.body && earlier.content.mediaType === input.mediaType;
          if (!same) throw new ConflictError(`client id ${input.clientId} was used for another message in this room`);
          return earlier;
        }
        if (sender?.state !== 'joined') throw new ForbiddenError(`${from} has not joined this room`);
        const event = await this.chat.appendEvent(
          roomId,
          {
            kind: 'message',
            actor: from,
            userUri: null,
            network,
            content: { body: input.body, mediaType: input.mediaType },
            clientId: input.clientId,
          },
          manager,
        );
        await this.outbox.enqueue(JobName.ChatEventCommitted, { roomId, seq: event.seq, kind: event.kind }, manager);
        return event;
      },
      { participantsUnchanged: true },
    );
    return { roomId, event: result };
  }

  /**
   * The room's events that `user` (a joined user of the network) may read, after `afterSeq`, as
   * the room's history visibility allows: all of them (`shared`), or from its joining or its
   * invitation on. Events about users of networks the caller may not see are left out.
   */
  async history(
    network: string,
    roomId: string,
    query: { user: string; afterSeq: number; limit: number },
  ): Promise<RoomHistoryPage> {
    const user = await this.rooms.ownUser(network, query.user, 'user');
    const { result } = await this.rooms.inRoom(network, roomId, async ({ room, participants, directory }) => {
      const reader = participants.find((p) => p.userUri === user);
      if (reader?.state !== 'joined') throw new ForbiddenError(`${user} has not joined this room`);
      const from =
        room.historyVisibility === 'shared'
          ? '1'
          : room.historyVisibility === 'joined'
            ? (reader.joinedSeq as string)
            : (reader.invitedSeq ?? reader.joinedSeq ?? '1');
      const events = await this.chat.events(roomId, { afterSeq: String(query.afterSeq), fromSeq: from, limit: query.limit });
      const networkOf = new Map(participants.map((p) => [p.userUri, p.network]));
      const now = new Date();
      const shown = events.filter((e) =>
        eventShownTo(
          network,
          { ...e, userNetwork: e.userUri === null ? null : (networkOf.get(e.userUri) ?? null) },
          directory,
          now,
        ),
      );
      return { events: shown, next: events.length ? events[events.length - 1].seq : String(query.afterSeq) };
    });
    return result;
  }
}

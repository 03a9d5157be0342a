import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { ChatDeliveryEntity } from '../entities/chat-delivery.entity.js';
import { ChatEventEntity } from '../entities/chat-event.entity.js';
import { ChatParticipantEntity } from '../entities/chat-participant.entity.js';
import { ChatRoomEntity } from '../entities/chat-room.entity.js';

export type NewChatEvent = Pick<ChatEventEntity, 'kind' | 'actor' | 'userUri' | 'network' | 'content'> & {
  clientId?: string | null;
};

export type NewChatDelivery = Pick<ChatDeliveryEntity, 'roomId' | 'seq' | 'network' | 'recipients'>;

/** A delivery with its event and room, as a network reads it. */
export interface PendingChatDelivery {
  id: string;
  roomId: string;
  roomUri: string;
  seq: string;
  kind: string;
  actor: string | null;
  userUri: string | null;
  /** the network that caused the event (the hub's domain for its own) */
  network: string;
  /** the network of the user the event is about, if any */
  userNetwork: string | null;
  content: Record<string, unknown>;
  recipients: string[];
  createdAt: Date;
}

/** A room's message as the central message log takes it. */
export interface ChatMessageToLog {
  roomId: string;
  roomUri: string;
  seq: string;
  actor: string | null;
  content: Record<string, unknown>;
  createdAt: Date;
}

/** Participant states in which a user counts for the room: present, or asked in. */
const IN_ROOM = ['invited', 'joined'];

/** Rooms, their participants and their numbered events. */
@Injectable()
export class ChatRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insertRoom(room: Omit<ChatRoomEntity, 'createdAt' | 'lastSeq'>, manager: EntityManager): Promise<ChatRoomEntity> {
    const repo = manager.getRepository(ChatRoomEntity);
    return repo.save(repo.create({ ...room, lastSeq: '0' }));
  }

  /** The room, locked until the transaction ends: every change of a room is serialised on it. */
  lockRoom(id: string, manager: EntityManager): Promise<ChatRoomEntity | null> {
    return manager.getRepository(ChatRoomEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findRoom(id: string, manager?: EntityManager): Promise<ChatRoomEntity | null> {
    return this.manager(manager).getRepository(ChatRoomEntity).findOne({ where: { id } });
  }

  async setSubject(id: string, subject: string | null, manager: EntityManager): Promise<void> {
    await manager.getRepository(ChatRoomEntity).update({ id }, { subject });
  }

  /** Every participant row of the room, in the order they were created or last changed. */
  participants(roomId: string, manager?: EntityManager): Promise<ChatParticipantEntity[]> {
    return this.manager(manager)
      .getRepository(ChatParticipantEntity)
      .find({ where: { roomId }, order: { updatedAt: 'ASC', userUri: 'ASC' } });
  }

  async saveParticipant(p: ChatParticipantEntity, manager: EntityManager): Promise<ChatParticipantEntity> {
    return manager.getRepository(ChatParticipantEntity).save(p);
  }

  /** Appends an event with the room's next number (the room must be locked by the caller). */
  async appendEvent(roomId: string, event: NewChatEvent, manager: EntityManager): Promise<ChatEventEntity> {
    const rows = (await manager.query(
      `UPDATE chat_rooms SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq::text AS seq`,
      [roomId],
    )) as [Array<{ seq: string }>, number];
    const repo = manager.getRepository(ChatEventEntity);
    return repo.save(repo.create({ ...event, clientId: event.clientId ?? null, roomId, seq: rows[0][0].seq }));
  }

  /** The room's events after `seq`, in order (those of the caller's transaction, say). */
  eventsAfter(roomId: string, seq: string, manager: EntityManager): Promise<ChatEventEntity[]> {
    return manager
      .getRepository(ChatEventEntity)
      .createQueryBuilder('e')
      .where('e.room_id = :roomId AND e.seq > :seq', { roomId, seq })
      .orderBy('e.seq', 'ASC')
      .getMany();
  }

  eventByClientId(roomId: string, network: string, clientId: string, manager: EntityManager): Promise<ChatEventEntity | null> {
    return manager.getRepository(ChatEventEntity).findOne({ where: { roomId, network, clientId } });
  }

  event(roomId: string, seq: string): Promise<ChatEventEntity | null> {
    return this.dataSource.getRepository(ChatEventEntity).findOne({ where: { roomId, seq } });
  }

  /** The messages among the given events (room and number), with their room's URI; events that are not messages or do not exist are left out. */
  async messagesToLog(events: Array<{ roomId: string; seq: string }>): Promise<ChatMessageToLog[]> {
    if (events.length === 0) return [];
    return (await this.dataSource.query(
      `SELECT e.room_id AS "roomId", r.uri AS "roomUri", e.seq::text AS seq, e.actor, e.content, e.created_at AS "createdAt"
         FROM unnest($1::varchar[], $2::bigint[]) AS k(room_id, seq)
         JOIN chat_events e ON e.room_id = k.room_id AND e.seq = k.seq
         JOIN chat_rooms r ON r.id = e.room_id
        WHERE e.kind = 'message'`,
      [events.map((e) => e.roomId), events.map((e) => e.seq)],
    )) as ChatMessageToLog[];
  }

  /** Events of the room after `afterSeq` and from `fromSeq` on, oldest first, at most `limit`. */
  events(roomId: string, range: { afterSeq: string; fromSeq: string; limit: number }): Promise<ChatEventEntity[]> {
    return this.dataSource
      .getRepository(ChatEventEntity)
      .createQueryBuilder('e')
      .where('e.room_id = :roomId', { roomId })
      .andWhere('e.seq > :afterSeq', { afterSeq: range.afterSeq })
      .andWhere('e.seq >= :fromSeq', { fromSeq: range.fromSeq })
      .orderBy('e.seq', 'ASC')
      .limit(range.limit)
      .getMany();
  }

  async insertDeliveries(rows: NewChatDelivery[], manager: EntityManager): Promise<void> {
    if (rows.length) await manager.getRepository(ChatDeliveryEntity).insert(rows);
  }

  /** The network's deliveries not yet acknowledged, after `afterId`, oldest first. */
  async pendingDeliveries(network: string, afterId: string, limit: number): Promise<PendingChatDelivery[]> {
    const rows = (await this.dataSource.query(
      `SELECT d.id::text AS id, d.room_id AS "roomId", r.uri AS "roomUri", d.seq::text AS seq, e.kind, e.actor,
              e.user_uri AS "userUri", e.network AS network, p.network AS "userNetwork", e.content, d.recipients,
              e.created_at AS "createdAt"
         FROM chat_deliveries d
         JOIN chat_events e ON e.room_id = d.room_id AND e.seq = d.seq
         JOIN chat_rooms r ON r.id = d.room_id
         LEFT JOIN chat_participants p ON p.room_id = e.room_id AND p.user_uri = e.user_uri
        WHERE d.network = $1 AND d.delivered_at IS NULL AND d.id > $2
        ORDER BY d.id
        LIMIT $3`,
      [network, afterId, limit],
    )) as PendingChatDelivery[];
    return rows;
  }

  /**
   * For each network, its first `limit` pending deliveries after `after` (an id), in id order, as
   * pendingDeliveries reads them for one; by network (every network asked for has an entry). One
   * statement for many networks (the chat pusher). The recipients come as JSON, which the driver
   * parses natively, instead of an array literal parsed in JavaScript.
   */
  async pendingDeliveriesOf(
    reads: Array<{ network: string; after: string }>,
    limit: number,
  ): Promise<Map<string, PendingChatDelivery[]>> {
    const byNetwork = new Map(reads.map((r) => [r.network, [] as PendingChatDelivery[]]));
    if (reads.length === 0) return byNetwork;
    const rows = (await this.dataSource.query(
      `SELECT d.id::text AS id, d.network AS "to", d.room_id AS "roomId", r.uri AS "roomUri", d.seq::text AS seq, e.kind,
              e.actor, e.user_uri AS "userUri", e.network AS network, p.network AS "userNetwork", e.content,
              to_json(d.recipients) AS recipients, e.created_at AS "createdAt"
         FROM unnest($1::varchar[], $2::bigint[]) AS n(network, after)
         CROSS JOIN LATERAL (
           SELECT id, network, room_id, seq, recipients FROM chat_deliveries
            WHERE network = n.network AND delivered_at IS NULL AND id > n.after
            ORDER BY id LIMIT $3) d
         JOIN chat_events e ON e.room_id = d.room_id AND e.seq = d.seq
         JOIN chat_rooms r ON r.id = d.room_id
         LEFT JOIN chat_participants p ON p.room_id = e.room_id AND p.user_uri = e.user_uri
        ORDER BY d.id`,
      [reads.map((r) => r.network), reads.map((r) => r.after), limit],
    )) as Array<PendingChatDelivery & { to: string }>;
    for (const { to, ...delivery } of rows) byNetwork.get(to)?.push(delivery);
    return byNetwork;
  }

  /**
   * Marks the network's deliveries up to `upToId` delivered (in the caller's transaction); returns
   * how many were pending, and how many of them were messages, per sending network (usage).
   */
  async acknowledgeDeliveries(
    network: string,
    upToId: string,
    manager: EntityManager,
  ): Promise<{ acknowledged: number; messagesFrom: Map<string, number> }> {
    const rows: Array<{ network: string; kind: string; n: string }> = await manager.query(
      `WITH done AS (
         UPDATE chat_deliveries SET delivered_at = now(), outcome = 'acknowledged'
          WHERE network = $1 AND id <= $2 AND delivered_at IS NULL
          RETURNING room_id, seq)
       SELECT e.network, e.kind, count(*)::text AS n FROM done d JOIN chat_events e ON e.room_id = d.room_id AND e.seq = d.seq
        GROUP BY 1, 2`,
      [network, upToId],
    );
    const messagesFrom = new Map(rows.filter((r) => r.kind === 'message').map((r) => [r.network, Number(r.n)]));
    return { acknowledged: rows.reduce((sum, r) => sum + Number(r.n), 0), messagesFrom };
  }

  /** Rooms in which the network has a user invited or joined (optionally one user), by id. */
  async roomsOf(network: string, userUri?: string): Promise<ChatRoomEntity[]> {
    const qb = this.dataSource
      .getRepository(ChatRoomEntity)
      .createQueryBuilder('r')
      .where(
        `EXISTS (SELECT 1 FROM chat_participants p WHERE p.room_id = r.id AND p.network = :network AND p.state IN (:...states)${
          userUri ? ' AND p.user_uri = :userUri' : ''
        })`,
        { network, states: IN_ROOM, userUri },
      )
      .orderBy('r.created_at', 'ASC')
      .addOrderBy('r.id', 'ASC');
    return qb.getMany();
  }

  /** Ids of the rooms that have someone invited or joined, after `afterId`, `limit` at a time. */
  async occupiedRoomIds(afterId: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(ChatParticipantEntity)
      .createQueryBuilder('p')
      .select('DISTINCT p.room_id', 'id')
      .where('p.state IN (:...states)', { states: IN_ROOM })
      .andWhere('p.room_id > :afterId', { afterId })
      .orderBy('p.room_id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  /** The participants (any state) of these rooms; for listing several rooms at once. */
  participantsOfRooms(roomIds: string[]): Promise<ChatParticipantEntity[]> {
    if (roomIds.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(ChatParticipantEntity)
      .find({ where: { roomId: In(roomIds) }, order: { updatedAt: 'ASC', userUri: 'ASC' } });
  }
}

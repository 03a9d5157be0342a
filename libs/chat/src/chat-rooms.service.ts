import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  type ChatHistoryVisibility,
  type ChatRole,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '@app/common';
import {
  type ChatEventEntity,
  type ChatParticipantEntity,
  ChatRepository,
  type ChatRoomEntity,
  type NewChatDelivery,
  TransactionRunner,
  type UsageIncrement,
  UsageCountersRepository,
} from '@app/db';
import { type DecisionDirectory, InterconnectDecisions } from '@app/interconnect';
import { parseParticipantUri, ParticipantUriError } from '@app/message-log';
import { mayEnter, networksToRemove, type PresentNetwork } from './room-admission.js';
import { mayChangeRole, mayModerate, mayRemove } from './room-permissions.js';
import { recipientsByNetwork } from './event-recipients.js';
import { JobName, OutboxWriter } from '@app/queue';

export interface RoomView {
  room: ChatRoomEntity;
  participants: ChatParticipantEntity[];
}

/** A locked, freshly re-evaluated room and what was read with it. */
export interface RoomContext {
  room: ChatRoomEntity;
  participants: ChatParticipantEntity[];
  directory: DecisionDirectory;
  manager: EntityManager;
}

export interface NewRoom {
  owner: string;
  subject?: string | null;
  historyVisibility?: ChatHistoryVisibility;
}

/** What a network does in a room, in the name of one of its users (`by`) on another (`user`). */
export type MembershipAction =
  | { kind: 'invite'; by: string; user: string }
  | { kind: 'join'; user: string }
  | { kind: 'leave'; user: string }
  | { kind: 'kick' | 'ban'; by: string; user: string; reason?: string | null }
  | { kind: 'unban'; by: string; user: string }
  | { kind: 'set-role'; by: string; user: string; role: ChatRole }
  | { kind: 'set-subject'; by: string; subject: string | null };

const ROOM_ID = /^[a-z2-7]{20}$/;
const IN_ROOM: ReadonlySet<string> = new Set(['invited', 'joined']);

/**
 * Hub-hosted rooms: creation, membership and roles, with the hub enforcing who may be in a room
 * through the decision function (see room-admission.ts). Every change of a room runs under the
 * room's row lock and first re-evaluates the room against the current policy, so an action never
 * builds on a membership that a policy change has already ended.
 */
@Injectable()
export class ChatRooms {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly rooms: ChatRepository,
    private readonly decisions: InterconnectDecisions,
    private readonly usage: UsageCountersRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The host of every room URI: the hub's own domain (no member's users live there). */
  get chatHost(): string {
    return this.config.hub.domain;
  }

  async create(network: string, input: NewRoom): Promise<RoomView> {
    const directory = await this.decisions.directory();
    if (!directory.delegatedServices(network).has('n-way-chat')) {
      throw new ForbiddenError(`${network} does not delegate n-way-chat to this hub in its provisioning document`);
    }
    const owner = this.userOf(network, input.owner, 'owner', directory);
    const id = newRoomId();
    return this.tx.run(async (manager) => {
      const room = await this.rooms.insertRoom(
        {
          id,
          uri: `xmpp:${id}@${this.chatHost}`,
          creatorNetwork: network,
          createdBy: owner,
          subject: input.subject ?? null,
          historyVisibility: input.historyVisibility ?? 'shared',
        },
        manager,
      );
      const created = await this.rooms.appendEvent(
        id,
        { kind: 'created', actor: owner, userUri: owner, network, content: { subject: room.subject } },
        manager,
      );
      await this.eventCommitted(created, manager);
      const joined = await this.rooms.saveParticipant(
        participantRow(id, owner, network, 'owner', 'joined', created.seq, new Date()),
        manager,
      );
      return { room: { ...room, lastSeq: created.seq }, participants: [joined] };
    });
  }

  /** Rooms in which the network has a user invited or joined (optionally only `user`'s). */
  async list(network: string, user?: string): Promise<RoomView[]> {
    const directory = await this.decisions.directory();
    const userUri = user === undefined ? undefined : this.userOf(network, user, 'user', directory);
    const rooms = await this.rooms.roomsOf(network, userUri);
    const participants = await this.rooms.participantsOfRooms(rooms.map((r) => r.id));
    return rooms.map((room) => ({
      room,
      participants: visibleTo(
        network,
        participants.filter((p) => p.roomId === room.id),
        directory,
      ),
    }));
  }

  /** One room, if the network has a user invited or joined in it; otherwise 404 as for no room. */
  async get(network: string, roomId: string): Promise<RoomView> {
    const room = ROOM_ID.test(roomId) ? await this.rooms.findRoom(roomId) : null;
    const participants = room ? await this.rooms.participants(roomId) : [];
    if (!room || !participants.some((p) => p.network === network && IN_ROOM.has(p.state))) throw noRoom(roomId);
    return { room, participants: visibleTo(network, participants, await this.decisions.directory()) };
  }

  async act(network: string, roomId: string, action: MembershipAction): Promise<RoomView> {
    const { result, directory } = await this.inRoom(network, roomId, async ({ room, participants, directory, manager }) => {
      await this.apply(room, participants, network, action, directory, manager);
      return {
        room: (await this.rooms.findRoom(roomId, manager)) as ChatRoomEntity,
        participants: await this.rooms.participants(roomId, manager),
      };
    });
    return { room: result.room, participants: visibleTo(network, result.participants, directory) };
  }

  /**
   * Runs `work` in one transaction holding the room's lock, after re-evaluating the room, if the
   * network still has a user invited or joined in it. A room the network is not in (or no longer
   * in, the re-evaluation having removed it: that removal is committed) is answered like one that
   * does not exist. With `participantsUnchanged` (work that changes no participant, as posting a
   * message), the deliveries are addressed from the participants read for the re-evaluation
   * instead of reading them again.
   */
  async inRoom<T>(
    network: string,
    roomId: string,
    work: (ctx: RoomContext) => Promise<T>,
    options: { participantsUnchanged?: boolean } = {},
  ): Promise<{ result: T; directory: DecisionDirectory }> {
    const directory = await this.decisions.directory();
    let current: ChatParticipantEntity[] | undefined;
    const outcome = await this.locked(
      roomId,
      async (room, manager) => {
        // the re-evaluation updates the rows it reads in place, so they stay current
        const participants = await this.reevaluateLocked(room, directory, manager);
        if (!participants.some((p) => p.network === network && IN_ROOM.has(p.state))) return null;
        if (options.participantsUnchanged) current = participants;
        return { result: await work({ room, participants, directory, manager }) };
      },
      () => current,
    );
    if (!outcome) throw noRoom(roomId);
    return { result: outcome.result, directory };
  }

  /**
   * Runs `work` on the locked room (null: no such room), then, in the same transaction, writes a
   * delivery per destination network for every event `work` appended, and announces them to the
   * networks' pullers once committed.
   */
  private async locked<T>(
    roomId: string,
    work: (room: ChatRoomEntity, manager: EntityManager) => Promise<T | null>,
    participantsAfterWork: () => ChatParticipantEntity[] | undefined = () => undefined,
  ): Promise<T | null> {
    const outcome = await this.tx.runAndAnnounce(
      (o: { result: T | null; networks: string[] }) => o.networks.map(chatDeliveriesKey),
      async (manager) => {
        const room = ROOM_ID.test(roomId) ? await this.rooms.lockRoom(roomId, manager) : null;
        if (!room) return { result: null, networks: [] };
        const result = await work(room, manager);
        const events = await this.rooms.eventsAfter(roomId, room.lastSeq, manager);
        if (events.length === 0) return { result, networks: [] };
        const participants = participantsAfterWork() ?? (await this.rooms.participants(roomId, manager));
        const rows = events.flatMap((e) =>
          [...recipientsByNetwork(e, participants)].map(([network, recipients]) => ({ roomId, seq: e.seq, network, recipients })),
        );
        await this.rooms.insertDeliveries(rows, manager);
        await this.usage.add(chatMessageUsage(events, rows), manager);
        // a message enqueued its own (chat-messages.service.ts)
        for (const e of events) if (e.kind !== 'message') await this.eventCommitted(e, manager);
        return { result, networks: [...new Set(rows.map((r) => r.network))] };
      },
    );
    return outcome.result;
  }

  /**
   * Every room event gets its post-processing job, as a message does (chat-messages.service.ts):
   * the job logs a message, and its receipt's transaction enqueues the event's interception
   * matching while lawful interception is enabled, so membership events are matched too.
   */
  private async eventCommitted(e: Pick<ChatEventEntity, 'roomId' | 'seq' | 'kind'>, manager: EntityManager): Promise<void> {
    await this.outbox.enqueue(JobName.ChatEventCommitted, { roomId: e.roomId, seq: e.seq, kind: e.kind }, manager);
  }

  /**
   * Re-evaluates one room against the current policy: the participants of every network that may
   * no longer be in it are removed, each with a `removed` event. Returns how many were removed.
   */
  async reevaluate(roomId: string): Promise<number> {
    const directory = await this.decisions.directory();
    const removed = await this.locked(roomId, async (room, manager) => {
      const before = (await this.rooms.participants(roomId, manager)).filter((p) => IN_ROOM.has(p.state)).length;
      const after = (await this.reevaluateLocked(room, directory, manager)).filter((p) => IN_ROOM.has(p.state)).length;
      return before - after;
    });
    return removed ?? 0;
  }

  /** Re-evaluates every room that has someone in it; returns the number of participants removed. */
  async reevaluateAll(): Promise<number> {
    let removed = 0;
    for (let after = ''; ;) {
      const ids = await this.rooms.occupiedRoomIds(after, 200);
      for (const id of ids) removed += await this.reevaluate(id);
      if (ids.length < 200) return removed;
      after = ids[ids.length - 1];
    }
  }

  private async reevaluateLocked(
    room: ChatRoomEntity,
    directory: DecisionDirectory,
    manager: EntityManager,
  ): Promise<ChatParticipantEntity[]> {
    const participants = await this.rooms.participants(room.id, manager);
    const now = new Date();
    const mayTalk = (a: string, b: string) => directory.decide(a, b, 'n-way-chat', now).allowed;
    const leaving = new Set(networksToRemove(presentNetworks(participants), mayTalk, (d) => directory.isActive(d)));
    // an invitation stands only while its network could still join
    const present = presentNetworks(participants)
      .map((n) => n.domain)
      .filter((d) => !leaving.has(d));
    for (const p of participants) {
      const out =
        (p.state === 'joined' && leaving.has(p.network)) ||
        (p.state === 'invited' && (!directory.isActive(p.network) || !mayEnter(p.network, present, mayTalk)));
      if (!out) continue;
      const event = await this.rooms.appendEvent(
        room.id,
        { kind: 'removed', actor: null, userUri: p.userUri, network: this.config.hub.domain, content: { was: p.state } },
        manager,
      );
      Object.assign(p, { state: 'removed', updatedAt: event.createdAt });
      await this.rooms.saveParticipant(p, manager);
    }
    return participants;
  }

  private async apply(
    room: ChatRoomEntity,
    participants: ChatParticipantEntity[],
    network: string,
    action: MembershipAction,
    directory: DecisionDirectory,
    manager: EntityManager,
  ): Promise<void> {
    const find = (uri: string) => participants.find((p) => p.userUri === uri);
    const actor = 'by' in action ? this.joinedActor(network, action.by, find, directory) : null;
    const event = (kind: string, user: string | null, content: Record<string, unknown> = {}) =>
      this.rooms.appendEvent(room.id, { kind, actor: actor?.userUri ?? user, userUri: user, network, content }, manager);
    const now = new Date();
    switch (action.kind) {
      case 'set-subject': {
        if (!mayModerate(actor!.role)) throw new ForbiddenError('only owners and moderators set the subject');
        await this.rooms.setSubject(room.id, action.subject, manager);
        await event('subject', null, { subject: action.subject });
        return;
      }
      case 'invite': {
        const user = this.memberUser(network, action.user, 'user', directory);
        const existing = find(user.uri);
        if (existing?.state === 'banned') throw new ForbiddenError(`${user.uri} is banned from this room`);
        if (existing && IN_ROOM.has(existing.state)) throw new ConflictError(`${user.uri} is already ${existing.state}`);
        this.admit(user.network, participants, directory, now);
        const e = await event('invited', user.uri);
        const row = existing ?? participantRow(room.id, user.uri, user.network, 'participant', 'invited', null, null);
        await this.rooms.saveParticipant(
          Object.assign(row, { state: 'invited', invitedSeq: e.seq, updatedAt: e.createdAt }),
          manager,
        );
        return;
      }
      case 'join': {
        const uri = this.userOf(network, action.user, 'user', directory);
        const existing = find(uri);
        if (existing?.state === 'joined') throw new ConflictError(`${uri} has already joined`);
        if (existing?.state !== 'invited') throw new ForbiddenError(`${uri} has no invitation to this room`);
        this.admit(network, participants, directory, now);
        const e = await event('joined', uri);
        await this.rooms.saveParticipant(
          Object.assign(existing, { state: 'joined', joinedSeq: e.seq, joinedAt: e.createdAt, updatedAt: e.createdAt }),
          manager,
        );
        return;
      }
      case 'leave': {
        const uri = this.userOf(network, action.user, 'user', directory);
        const existing = find(uri);
        if (!existing || !IN_ROOM.has(existing.state)) throw new ConflictError(`${uri} is not in this room`);
        const e = await event('left', uri);
        await this.rooms.saveParticipant(Object.assign(existing, { state: 'left', updatedAt: e.createdAt }), manager);
        return;
      }
      case 'kick':
      case 'ban': {
        const { uri, target } = this.participantNamed(network, action.user, find, directory);
        if (!target || (action.kind === 'kick' && !IN_ROOM.has(target.state))) {
          throw new ConflictError(`${uri} is not in this room`);
        }
        if (action.kind === 'ban' && target.state === 'banned') throw new ConflictError(`${uri} is already banned`);
        if (!mayRemove(actor!.role, target.role)) {
          throw new ForbiddenError(`a ${actor!.role} cannot ${action.kind} a ${target.role}`);
        }
        const e = await event(action.kind === 'kick' ? 'kicked' : 'banned', target.userUri, { reason: action.reason ?? null });
        await this.rooms.saveParticipant(
          Object.assign(target, { state: action.kind === 'kick' ? 'kicked' : 'banned', updatedAt: e.createdAt }),
          manager,
        );
        return;
      }
      case 'unban': {
        const { uri, target } = this.participantNamed(network, action.user, find, directory);
        if (target?.state !== 'banned') throw new ConflictError(`${uri} is not banned`);
        if (!mayModerate(actor!.role)) throw new ForbiddenError('only owners and moderators lift a ban');
        const e = await event('unbanned', target.userUri);
        await this.rooms.saveParticipant(Object.assign(target, { state: 'left', updatedAt: e.createdAt }), manager);
        return;
      }
      case 'set-role': {
        const { uri, target } = this.participantNamed(network, action.user, find, directory);
        if (!target || !IN_ROOM.has(target.state)) throw new ConflictError(`${uri} is not in this room`);
        if (!mayChangeRole(actor!.role, target.role, action.role)) {
          throw new ForbiddenError(`a ${actor!.role} cannot make a ${target.role} a ${action.role}`);
        }
        const owners = participants.filter((p) => p.role === 'owner' && IN_ROOM.has(p.state));
        if (target.role === 'owner' && action.role !== 'owner' && owners.length === 1) {
          throw new ConflictError('a room keeps at least one owner');
        }
        const e = await event('role', target.userUri, { from: target.role, to: action.role });
        await this.rooms.saveParticipant(Object.assign(target, { role: action.role, updatedAt: e.createdAt }), manager);
        return;
      }
    }
  }

  /** Refuses a user of `network` entry where a network present may not talk with it. */
  private admit(network: string, participants: ChatParticipantEntity[], directory: DecisionDirectory, now: Date): void {
    const present = presentNetworks(participants).map((n) => n.domain);
    const mayTalk = (a: string, b: string) => directory.decide(a, b, 'n-way-chat', now).allowed;
    if (!directory.isActive(network) || !mayEnter(network, present, mayTalk)) {
      // why two other members may not interconnect is theirs to know: no reason is given
      throw new ForbiddenError(
        `users of ${network} may not be in this room: it may not interconnect for n-way-chat with every network in it`,
      );
    }
  }

  /** The joined participant of the calling network acting as `by`. */
  private joinedActor(
    network: string,
    by: string,
    find: (uri: string) => ChatParticipantEntity | undefined,
    directory: DecisionDirectory,
  ): ChatParticipantEntity {
    const uri = this.userOf(network, by, 'by', directory);
    const actor = find(uri);
    if (actor?.state !== 'joined') throw new ForbiddenError(`${uri} has not joined this room`);
    return actor;
  }

  /** The URI named by the caller and its participant row, if any; a user of a network hidden from it is a 400. */
  private participantNamed(
    network: string,
    input: string,
    find: (uri: string) => ChatParticipantEntity | undefined,
    directory: DecisionDirectory,
  ): { uri: string; target: ChatParticipantEntity | undefined } {
    const { uri } = this.memberUser(network, input, 'user', directory);
    return { uri, target: find(uri) };
  }

  /** A URI (normal form) of a user of the calling network itself; a 400 naming `field` otherwise. */
  async ownUser(network: string, input: string, field: string): Promise<string> {
    return this.userOf(network, input, field, await this.decisions.directory());
  }

  /** A URI of a user of the calling network itself. */
  private userOf(network: string, input: string, field: string, directory: DecisionDirectory): string {
    const user = this.memberUser(network, input, field, directory);
    if (user.network !== network) throw InvalidInputError.forField(field, `must be a user of ${network}`);
    return user.uri;
  }

  /** A user URI in normal form and the member network it belongs to, as the caller may see it. */
  private memberUser(
    viewer: string,
    input: string,
    field: string,
    directory: DecisionDirectory,
  ): { uri: string; network: string } {
    let parsed;
    try {
      parsed = parseParticipantUri(input);
    } catch (error) {
      if (error instanceof ParticipantUriError) throw InvalidInputError.forField(field, error.message);
      throw error;
    }
    const hub = this.config.hub.domain;
    // the hub's own names (its rooms among them) are no member's users
    const network = parsed.host === hub || parsed.host.endsWith(`.${hub}`) ? null : directory.ownerOf(parsed.host, viewer);
    if (!network) {
      throw InvalidInputError.forField(field, `${parsed.host} is not a member network`);
    }
    return { uri: parsed.uri, network };
  }
}

/** ChangeBus key announced when deliveries for `network` were written (its pullers wake up). */
export const chatDeliveriesKey = (network: string) => `chat-deliveries:${network}`;

function newRoomId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(20)].map((b) => alphabet[b & 31]).join('');
}

function noRoom(roomId: string): NotFoundError {
  return new NotFoundError(`no room ${roomId}`);
}

function participantRow(
  roomId: string,
  userUri: string,
  network: string,
  role: ChatRole,
  state: ChatParticipantEntity['state'],
  joinedSeq: string | null,
  joinedAt: Date | null,
): ChatParticipantEntity {
  return { roomId, userUri, network, role, state, invitedSeq: null, joinedSeq, joinedAt, updatedAt: joinedAt ?? new Date() };
}

/** The networks with a joined participant, each with the time its earliest present one joined. */
function presentNetworks(participants: readonly ChatParticipantEntity[]): PresentNetwork[] {
  const first = new Map<string, Date>();
  for (const p of participants) {
    if (p.state !== 'joined' || !p.joinedAt) continue;
    const seen = first.get(p.network);
    if (!seen || p.joinedAt < seen) first.set(p.network, p.joinedAt);
  }
  return [...first].map(([domain, firstJoinedAt]) => ({ domain, firstJoinedAt }));
}

/** Participants of networks the viewer may see (fail closed between a change and its re-evaluation). */
function visibleTo(viewer: string, participants: ChatParticipantEntity[], directory: DecisionDirectory): ChatParticipantEntity[] {
  return participants.filter((p) => directory.visible(viewer, p.network));
}

/**
 * The usage of the messages among these events: one chat message for the sending network, and one
 * per pair with each other network the message is delivered to (counted with the message, in its
 * transaction; deliveries are counted when they are done).
 */
function chatMessageUsage(events: ChatEventEntity[], deliveries: NewChatDelivery[]): UsageIncrement[] {
  return events
    .filter((e) => e.kind === 'message')
    .flatMap((e) => {
      const peers = new Set(deliveries.filter((d) => d.seq === e.seq && d.network !== e.network).map((d) => d.network));
      return [
        { member: e.network, kind: 'chat-messages' as const, n: 1 },
        ...[...peers].map((peer) => ({ member: e.network, peer, kind: 'chat-messages' as const, n: 1 })),
      ];
    });
}

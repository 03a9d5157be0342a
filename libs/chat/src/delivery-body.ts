import type { ChatEventEntity, PendingChatDelivery } from '@app/db';

/** A room event as members read it, pulled, pushed or in history. */
export interface RoomEventView {
  seq: number;
  kind: string;
  /** who did it; null for the hub itself */
  actor: string | null;
  /** the participant it is about */
  user: string | null;
  content: Record<string, unknown>;
  createdAt: string;
}

/** What a member's chat gateway receives: one room event for its users (docs/chat.md, "Push"). */
export interface ChatDeliveryBody {
  /** the same for every attempt of this delivery (also the Idempotency-Key): the receiver drops repeats of it */
  deliveryId: string;
  /** the hub's domain */
  hub: string;
  roomId: string;
  roomUri: string;
  /** the receiving network's users the event is for */
  recipients: string[];
  event: RoomEventView;
}

export function roomEventView(
  e: Pick<ChatEventEntity, 'seq' | 'kind' | 'actor' | 'userUri' | 'content' | 'createdAt'>,
): RoomEventView {
  return {
    seq: Number(e.seq),
    kind: e.kind,
    actor: e.actor,
    user: e.userUri,
    content: e.content,
    createdAt: e.createdAt.toISOString(),
  };
}

/** One delivery's id: its room, its number in the room, and the network it goes to. */
export function chatDeliveryId(d: Pick<PendingChatDelivery, 'roomId' | 'seq'>, network: string): string {
  return `chat-${d.roomId}-${d.seq}-${network}`;
}

export function chatDeliveryBody(hub: string, network: string, d: PendingChatDelivery): ChatDeliveryBody {
  return {
    deliveryId: chatDeliveryId(d, network),
    hub,
    roomId: d.roomId,
    roomUri: d.roomUri,
    recipients: d.recipients,
    event: roomEventView(d),
  };
}

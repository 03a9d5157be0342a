import { Injectable } from '@nestjs/common';
import {
  ALL_CHANGED,
  ChangeBus,
  ChatRepository,
  type PendingChatDelivery,
  TransactionRunner,
  type UsageIncrement,
  UsageCountersRepository,
} from '@app/db';
import { InterconnectDecisions } from '@app/interconnect';
import { chatDeliveriesKey } from './chat-rooms.service.js';
import { eventShownTo } from './event-visibility.js';
import { ChatMetrics } from './chat-metrics.js';

export interface PulledDeliveries {
  items: PendingChatDelivery[];
  /** the cursor to pull after and to acknowledge up to: the last delivery read, shown or not */
  next: string;
}

/**
 * The pull side of room events, for networks without a gateway (and for any network that prefers
 * it): a network reads its deliveries in order after a cursor, waiting a while for new ones when
 * none are pending, and acknowledges up to a cursor; what it has not acknowledged it reads again.
 * Each delivery is checked again when read (fail closed): an event from a network that may no
 * longer interconnect with the reader for n-way chat is passed over.
 */
@Injectable()
export class ChatDeliveries {
  constructor(
    private readonly chat: ChatRepository,
    private readonly decisions: InterconnectDecisions,
    private readonly changes: ChangeBus,
    private readonly tx: TransactionRunner,
    private readonly usage: UsageCountersRepository,
    private readonly metrics: ChatMetrics,
  ) {}

  async pull(network: string, query: { after: string; limit: number; waitMs: number }): Promise<PulledDeliveries> {
    if (query.waitMs <= 0) return this.read(network, query.after, query.limit);
    // listening before the first read: a delivery committed between the read and the wait still wakes it
    const announced = this.newDeliveriesFor(network, query.waitMs);
    try {
      const first = await this.read(network, query.after, query.limit);
      if (first.next !== query.after) return first;
      await announced.arrived;
      return await this.read(network, query.after, query.limit);
    } finally {
      announced.stop();
    }
  }

  /**
   * Marks the network's deliveries up to `upTo` done and, in the same transaction, counts the
   * message deliveries in the usage counters (the receiving network's total, and the pair with the
   * sending network). A push to the network's gateway that marks deliveries done counts them the
   * same way (`UsageCountersRepository.add` in its transaction, kind `chat-deliveries`).
   */
  async acknowledge(network: string, upTo: string): Promise<number> {
    const { acknowledged, messagesFrom } = await this.tx.run(async (manager) => {
      const done = await this.chat.acknowledgeDeliveries(network, upTo, manager);
      await this.usage.add(chatDeliveryUsage(network, done.messagesFrom), manager);
      return done;
    });
    this.metrics.acknowledged(network, acknowledged, messagesFrom);
    return acknowledged;
  }

  private async read(network: string, after: string, limit: number): Promise<PulledDeliveries> {
    const rows = await this.chat.pendingDeliveries(network, after, limit);
    const directory = await this.decisions.directory();
    const now = new Date();
    const items = rows.filter((d) => eventShownTo(network, d, directory, now));
    return { items, next: rows.length ? rows[rows.length - 1].id : after };
  }

  /** `arrived` resolves when deliveries for `network` are announced, or after `waitMs`; `stop` ends the listening. */
  private newDeliveriesFor(network: string, waitMs: number): { arrived: Promise<void>; stop: () => void } {
    const key = chatDeliveriesKey(network);
    let stop = () => undefined as void;
    const arrived = new Promise<void>((resolve) => {
      const timer = setTimeout(() => stop(), waitMs);
      const unsubscribe = this.changes.subscribe((k) => {
        if (k === key || k === ALL_CHANGED) stop();
      });
      stop = () => {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
    });
    return { arrived, stop };
  }
}

/** Message deliveries done to `receiver`, per sending network: its total and one pair per sender. */
export function chatDeliveryUsage(receiver: string, messagesFrom: Map<string, number>): UsageIncrement[] {
  const total = [...messagesFrom.values()].reduce((sum, n) => sum + n, 0);
  return [
    { member: receiver, kind: 'chat-deliveries', n: total },
    ...[...messagesFrom].map(([sender, n]) => ({ member: receiver, peer: sender, kind: 'chat-deliveries' as const, n })),
  ];
}

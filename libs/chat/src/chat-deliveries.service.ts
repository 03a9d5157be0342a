import { Injectable } from '@nestjs/common';
import { ALL_CHANGED, ChangeBus, ChatRepository, type PendingChatDelivery } from '@app/db';
import { InterconnectDecisions } from '@app/interconnect';
import { chatDeliveriesKey } from './chat-rooms.service.js';

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
  ) {}

  async pull(network: string, query: { after: string; limit: number; waitMs: number }): Promise<PulledDeliveries> {
    const first = await this.read(network, query.after, query.limit);
    if (first.next !== query.after || query.waitMs <= 0) return first;
    await this.newDeliveriesFor(network, query.waitMs);
    return this.read(network, query.after, query.limit);
  }

  acknowledge(network: string, upTo: string): Promise<number> {
    return this.chat.acknowledgeDeliveries(network, upTo);
  }

  private async read(network: string, after: string, limit: number): Promise<PulledDeliveries> {
    const rows = await this.chat.pendingDeliveries(network, after, limit);
    const directory = await this.decisions.directory();
    const now = new Date();
    const items = rows.filter(
      (d) => d.actor === null || d.network === network || directory.decide(d.network, network, 'n-way-chat', now).allowed,
    );
    return { items, next: rows.length ? rows[rows.length - 1].id : after };
  }

  /** Resolves when deliveries for `network` are announced, or after `waitMs`. */
  private newDeliveriesFor(network: string, waitMs: number): Promise<void> {
    const key = chatDeliveriesKey(network);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      const unsubscribe = this.changes.subscribe((k) => {
        if (k === key || k === ALL_CHANGED) done();
      });
    });
  }
}

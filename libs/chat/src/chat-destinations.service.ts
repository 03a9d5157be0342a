import { Injectable } from '@nestjs/common';
import { AuditTrail } from '@app/audit';
import { type ActorContext, ConflictError, normalizeDomain, NotFoundError } from '@app/common';
import { type ChatDestinationState, ChatPushRepository, TransactionRunner } from '@app/db';
import type { EntityManager } from 'typeorm';
import { InterconnectDecisions } from '@app/interconnect';
import { redacted } from '@app/outbound';
import { chatDeliveriesKey } from './chat-rooms.service.js';

export interface ChatDestinationView extends ChatDestinationState {
  /** push: the network declares a gateway; pull: it reads its deliveries itself */
  mode: 'push' | 'pull';
  /** the gateway's origin and path (a query string may hold the member's secret) */
  gateway: string | null;
}

/**
 * Operators' view of chat delivery per member network, and what they may do about a parked
 * gateway: retry its deliveries with a fresh budget, or discard them (both audited).
 */
@Injectable()
export class ChatDestinations {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly push: ChatPushRepository,
    private readonly decisions: InterconnectDecisions,
    private readonly audit: AuditTrail,
  ) {}

  async list(): Promise<ChatDestinationView[]> {
    const [states, directory] = await Promise.all([this.push.states(), this.decisions.directory()]);
    return states.map((s) => {
      const uri = directory.chatDeliveryUri(s.network);
      return { ...s, mode: uri ? 'push' : 'pull', gateway: uri ? gatewayShown(uri) : null };
    });
  }

  /** Unparks the gateway: its deliveries are pushed again, in order, with a fresh retry budget. */
  async retry(networkInput: string, actor: ActorContext): Promise<void> {
    const network = normalizeDomain(networkInput, 'network');
    await this.tx.runAndAnnounce([chatDeliveriesKey(network)], async (manager) => {
      await this.parked(network, manager);
      await this.push.unpark(network, manager);
      await this.audit.record(actor, { action: 'chat.destination.retried', targetType: 'member', targetId: network }, manager);
    });
  }

  /** Gives up every delivery pending for the parked gateway (marked discarded), and unparks it for what comes next. */
  async discard(networkInput: string, actor: ActorContext): Promise<number> {
    const network = normalizeDomain(networkInput, 'network');
    return this.tx.run(async (manager) => {
      await this.parked(network, manager);
      const discarded = await this.push.discardPending(network, manager);
      await this.push.unpark(network, manager);
      await this.audit.record(
        actor,
        { action: 'chat.destination.discarded', targetType: 'member', targetId: network, details: { discarded } },
        manager,
      );
      return discarded;
    });
  }

  private async parked(network: string, manager: EntityManager): Promise<void> {
    const state = await this.push.lockState(network, manager);
    if (!state) throw new NotFoundError(`no chat deliveries were ever pushed to ${network}`);
    if (!state.parkedAt) throw new ConflictError(`chat deliveries to ${network} are not parked`);
  }
}

/** Origin and path only, as the outbound client logs it; a stored URI it could never call shows as such. */
function gatewayShown(uri: string): string {
  return URL.canParse(uri) ? redacted(new URL(uri)) : '(not a URL)';
}

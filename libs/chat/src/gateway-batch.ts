import { setTimeout as sleep } from 'node:timers/promises';
import type { PendingChatDelivery, SettledChatDelivery } from '@app/db';
import type { DecisionDirectory } from '@app/interconnect';
import { DestinationBusyError, type OutboundClient, outboundErrorIn, ResponseTooLargeError } from '@app/outbound';
import { chatDeliveryBody } from './delivery-body.js';
import { eventShownTo } from './event-visibility.js';

/** The header naming what a hub request carries, as change notifications do. */
export const CHAT_DELIVERY_EVENT = 'chat-delivery';

/** How long to wait for a request slot the hub's other senders hold to the same origin. */
const BUSY_PAUSE_MS = 20;
const BUSY_TRIES = 100;

export interface PushFailure {
  message: string;
  /** no retry can change the answer (a 4xx, a redirect, a refused address) */
  permanent: boolean;
  retryAfterMs?: number;
}

export interface BatchOutcome {
  /** deliveries finished in this batch, with how */
  done: SettledChatDelivery[];
  /** the first push that failed: nothing after it in any room was sent */
  failure?: PushFailure;
  /** the network has no gateway any more or is not active: nothing is sent now, nothing is lost */
  stopped?: boolean;
}

export interface GatewayBatchOptions {
  hub: string;
  timeoutMs: number;
  /** rooms pushed at once (one request at a time per room keeps each room's order) */
  concurrency: number;
}

/**
 * Sends one batch of a network's pending deliveries to its gateway: each checked again against
 * the policy of the moment (fail closed: an event the network may no longer be shown is withheld,
 * not sent), in order within each room, several rooms at once; after the first failure nothing
 * more is started, so a room's later events never overtake an earlier one.
 */
export class GatewayBatch {
  constructor(
    private readonly outbound: OutboundClient,
    private readonly options: GatewayBatchOptions,
  ) {}

  async send(network: string, pending: PendingChatDelivery[], directory: DecisionDirectory): Promise<BatchOutcome> {
    const uri = directory.chatDeliveryUri(network);
    if (!uri || !directory.isActive(network)) return { done: [], stopped: true };
    const now = new Date();
    const done: BatchOutcome['done'] = [];
    const rooms = new Map<string, PendingChatDelivery[]>();
    for (const d of pending) {
      if (!eventShownTo(network, d, directory, now)) done.push({ id: d.id, network, outcome: 'withheld', messageFrom: null });
      else if (rooms.has(d.roomId)) rooms.get(d.roomId)?.push(d);
      else rooms.set(d.roomId, [d]);
    }
    const queue = [...rooms.values()];
    let failure: PushFailure | undefined;
    const runner = async () => {
      for (let room = queue.shift(); room && !failure; room = queue.shift()) {
        for (const d of room) {
          if (failure) return;
          try {
            await this.deliver(uri, network, d);
            done.push({ id: d.id, network, outcome: 'pushed', messageFrom: d.kind === 'message' ? d.network : null });
          } catch (error) {
            failure ??= describe(error);
            return;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, queue.length) }, runner));
    return { done, failure };
  }

  private async deliver(uri: string, network: string, d: PendingChatDelivery): Promise<void> {
    const body = chatDeliveryBody(this.options.hub, network, d);
    const json = JSON.stringify(body);
    for (let tries = 1; ; tries++) {
      try {
        await this.outbound.send({
          method: 'POST',
          url: uri,
          contentType: 'application/json',
          body: json,
          idempotencyKey: body.deliveryId,
          headers: { 'x-hub-event': CHAT_DELIVERY_EVENT },
          timeoutMs: this.options.timeoutMs,
        });
        return;
      } catch (error) {
        // the gateway took it; only its answer was too long to read
        if (error instanceof ResponseTooLargeError && error.status >= 200 && error.status < 300) return;
        if (error instanceof DestinationBusyError && tries < BUSY_TRIES) {
          await sleep(BUSY_PAUSE_MS);
          continue;
        }
        throw error;
      }
    }
  }
}

function describe(error: unknown): PushFailure {
  const outbound = outboundErrorIn(error);
  if (outbound) return { message: outbound.message, permanent: outbound.permanent, retryAfterMs: outbound.retryAfterMs };
  return { message: (error as Error).message ?? String(error), permanent: false };
}

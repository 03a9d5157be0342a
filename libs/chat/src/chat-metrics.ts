import { Injectable } from '@nestjs/common';
import type { ChatDeliveryOutcome } from '@app/db';
import { MetricsRegistry } from '@app/metrics';

/**
 * Chat deliveries by destination network and outcome, failed pushes, and message deliveries per
 * peering pair (sending network → receiving network): the chat part of the settlement basis, as in
 * the usage counters. Labels are member domains and outcomes only.
 */
@Injectable()
export class ChatMetrics {
  private readonly deliveries;
  private readonly failures;
  private readonly pairs;

  constructor(metrics: MetricsRegistry) {
    this.deliveries = metrics.counter(
      'hub_chat_deliveries_total',
      'room event deliveries finished, by destination network and outcome (pushed to its gateway, acknowledged after a pull, withheld by the policy)',
      ['destination', 'outcome'],
    );
    this.failures = metrics.counter(
      'hub_chat_push_failures_total',
      "failed pushes to a network's chat gateway, by destination and result (retry: backing off; parked: waiting for an operator)",
      ['destination', 'result'],
    );
    this.pairs = metrics.counter(
      'hub_chat_pair_messages_total',
      'chat messages delivered per peering pair: the sending network (origin) and the receiving one (destination)',
      ['origin', 'destination'],
    );
  }

  /** Deliveries to `destination` marked done (after their transaction committed), and the messages among them by sender. */
  settled(destination: string, outcomes: Iterable<ChatDeliveryOutcome>, messagesFrom: Map<string, number>): void {
    for (const outcome of outcomes) this.deliveries.cell(destination, outcome).inc();
    for (const [origin, n] of messagesFrom) this.pairs.cell(origin, destination).inc(n);
  }

  /** `n` deliveries to `destination` acknowledged by the network itself after a pull. */
  acknowledged(destination: string, n: number, messagesFrom: Map<string, number>): void {
    this.deliveries.cell(destination, 'acknowledged').inc(n);
    for (const [origin, count] of messagesFrom) this.pairs.cell(origin, destination).inc(count);
  }

  pushFailed(destination: string, parked: boolean): void {
    this.failures.cell(destination, parked ? 'parked' : 'retry').inc();
  }
}

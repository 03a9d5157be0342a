import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PollingLoop } from '@app/queue';
import {
  ChangeBus,
  ChatPushRepository,
  ChatRepository,
  type LeasedDestination,
  type PendingChatDelivery,
  type SettledChatDelivery,
} from '@app/db';
import { InterconnectDecisions } from '@app/interconnect';
import { OutboundClient } from '@app/outbound';
import { chatDeliveriesKey } from './chat-rooms.service.js';
import { type BatchOutcome, GatewayBatch } from './gateway-batch.js';
import { GatheredCalls } from './gathered-calls.js';
import { pushRetryDelayMs } from './push-backoff.js';
import { ChatMetrics } from './chat-metrics.js';

const KEY_PREFIX = chatDeliveriesKey('');

interface HeldLease {
  /** failed pushes in a row when it was taken (0 after a success) */
  attempts: number;
  /** false once lost or given back */
  held: boolean;
  releaseTimer?: NodeJS.Timeout;
}

/**
 * Runs in the worker: pushes each network's chat deliveries to the gateway it declares, in order
 * per room, from the rows committed with the events (PostgreSQL holds everything: a killed worker
 * or a wiped Redis loses nothing, the next lease sends what was not marked done).
 *
 * One worker at a time drains a gateway (a lease in chat_destinations that runs out if the worker
 * dies). A committed event wakes the drain of its networks at once (ChangeBus); a scan every
 * CHAT_PUSH_SCAN_INTERVAL_MS finds what a missed announcement, an expired lease or a finished
 * backoff leaves due. A gateway that fails rests with exponential backoff, the others carry on;
 * after CHAT_PUSH_MAX_ATTEMPTS failures in a row (or an answer no retry can change) it is parked
 * until an operator retries or discards its deliveries.
 */
@Injectable()
export class ChatPusher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChatPusher.name);
  private readonly holder = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly leaseMs: number;
  private readonly draining = new Map<string, Promise<void>>();
  /** gateways this worker holds the lease of, draining or lingering */
  private readonly leases = new Map<string, HeldLease>();
  private readonly again = new Set<string>();
  private readonly batch: GatewayBatch;
  /** the drains woken together (one event wakes its ten gateways) lease, read and settle with one statement each */
  private readonly leasing: GatheredCalls<string, LeasedDestination | null>;
  private readonly reading: GatheredCalls<{ network: string; after: string }, PendingChatDelivery[]>;
  private readonly settling: GatheredCalls<SettledChatDelivery[], number>;
  private readonly scans: PollingLoop;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly push: ChatPushRepository,
    private readonly chat: ChatRepository,
    private readonly decisions: InterconnectDecisions,
    private readonly changes: ChangeBus,
    private readonly metrics: ChatMetrics,
    outbound: OutboundClient,
  ) {
    // renewed every third of it while the worker drains, so it runs out only when the worker is gone
    // (or cannot reach PostgreSQL): then another worker takes the gateway over after at most this long
    this.leaseMs = 2 * config.chat.push.timeoutMs;
    this.scans = new PollingLoop(
      () => this.scan(),
      () => config.chat.push.scanIntervalMs,
    );
    this.leasing = new GatheredCalls(async (networks) => {
      const taken = new Map((await this.push.lease(networks, this.holder, this.leaseMs)).map((l) => [l.network, l]));
      return networks.map((network) => taken.get(network) ?? null);
    });
    this.reading = new GatheredCalls(async (reads) => {
      const pending = await this.chat.pendingDeliveriesOf(reads, config.chat.push.batchSize);
      return reads.map((r) => pending.get(r.network) ?? []);
    });
    this.settling = new GatheredCalls(async (batches) => {
      const settled = await this.push.settle(batches.flat());
      this.countSettled(batches, new Map(settled.map((d) => [d.id, d.outcome])));
      return batches.map((b) => b.length);
    });
    this.batch = new GatewayBatch(outbound, {
      hub: config.hub.domain,
      timeoutMs: config.chat.push.timeoutMs,
      concurrency: config.outbound.concurrencyPerDestination,
    });
  }

  onApplicationBootstrap(): void {
    // a missed announcement (ALL_CHANGED after the listener reconnects) is made up by the next scan
    this.unsubscribe = this.changes.subscribe((key) => {
      if (key.startsWith(KEY_PREFIX)) this.wake(key.slice(KEY_PREFIX.length));
    });
    this.scans.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.scans.stop();
    await Promise.all([...this.draining.values()]);
    await Promise.all([...this.leases.keys()].map((network) => this.release(network).catch(() => undefined)));
  }

  /** Wakes every gateway with deliveries due; returns how many. */
  private async scan(): Promise<number> {
    try {
      const due = await this.push.dueNetworks(this.holder);
      for (const network of due) this.wake(network);
      return due.length;
    } catch (error) {
      this.logger.warn(
        `chat push scan failed, tried again in ${this.config.chat.push.scanIntervalMs} ms: ${(error as Error).message}`,
      );
      return 0;
    }
  }

  /** Drains the network's gateway now, or once more after the drain under way (which may have read before this event). */
  private wake(network: string): void {
    if (this.stopped) return;
    if (this.draining.has(network)) {
      this.again.add(network);
      return;
    }
    const drain = this.drain(network)
      .catch((error: unknown) => this.logger.warn(`chat push to ${network} interrupted: ${(error as Error).message}`))
      .finally(() => {
        this.draining.delete(network);
        if (this.again.delete(network)) this.wake(network);
      });
    this.draining.set(network, drain);
  }

  private async drain(network: string): Promise<void> {
    // a network without a gateway pulls its deliveries instead
    if (!(await this.decisions.directory()).chatDeliveryUri(network)) return this.release(network);
    const lease = await this.acquire(network);
    if (!lease) return;
    const keeper = setInterval(() => void this.renew(network, lease), this.leaseMs / 3);
    const { batchSize } = this.config.chat.push;
    // a batch is settled while the next one is sent, and the next one is read while this one is
    // sent: the gateway does not wait for PostgreSQL between batches. A batch still starts only
    // once the one before it is all answered, so each room's order holds.
    let settling: Promise<unknown> = Promise.resolve();
    try {
      let next = quiet(this.reading.call({ network, after: '0' }));
      for (let failures = lease.attempts; lease.held && !this.stopped; failures = 0) {
        const pending = await next;
        if (pending.length === 0) return;
        const full = pending.length >= batchSize;
        if (full) next = quiet(this.reading.call({ network, after: pending[pending.length - 1].id }));
        const outcome = await this.batch.send(network, pending, await this.decisions.directory());
        await settling;
        settling = outcome.done.length ? quiet(this.settling.call(outcome.done)) : Promise.resolve();
        if (outcome.failure) {
          await settling;
          this.leases.delete(network);
          lease.held = false;
          await this.failed(network, failures + 1, outcome.failure);
          return;
        }
        lease.attempts = 0;
        // a shorter batch read everything committed before it; what commits later wakes this drain again
        if (outcome.stopped || !full) return;
      }
    } finally {
      clearInterval(keeper);
      await settling;
      if (lease.held) this.linger(network, lease);
    }
  }

  /**
   * The gateway's lease, taken or extended in one statement; a worker keeps it a little while
   * after a drain, so a busy gateway is not released and taken again for every event.
   */
  private async acquire(network: string): Promise<HeldLease | null> {
    const lingering = this.leases.get(network);
    clearTimeout(lingering?.releaseTimer);
    const taken = await this.leasing.call(network);
    if (!taken) {
      this.leases.delete(network);
      return null;
    }
    const lease: HeldLease = { attempts: taken.attempts, held: true };
    this.leases.set(network, lease);
    return lease;
  }

  private async renew(network: string, lease: HeldLease): Promise<boolean> {
    const renewed = await this.push.renew(network, this.holder, this.leaseMs).catch(() => false);
    if (!renewed) {
      lease.held = false;
      if (this.leases.get(network) === lease) this.leases.delete(network);
    }
    return renewed;
  }

  private linger(network: string, lease: HeldLease): void {
    lease.releaseTimer = setTimeout(() => void this.release(network), this.leaseMs / 4);
    lease.releaseTimer.unref();
  }

  private async release(network: string): Promise<void> {
    const lease = this.leases.get(network);
    if (!lease) return;
    this.leases.delete(network);
    clearTimeout(lease.releaseTimer);
    lease.held = false;
    await this.push.release(network, this.holder);
  }

  /** Counts in the metrics what one settling statement committed, per gateway's batch. */
  private countSettled(batches: SettledChatDelivery[][], settled: Map<string, string>): void {
    for (const batch of batches) {
      if (batch.length === 0) continue;
      const outcomes: SettledChatDelivery['outcome'][] = [];
      const messagesFrom = new Map<string, number>();
      for (const d of batch) {
        if (!settled.has(d.id)) continue;
        outcomes.push(d.outcome);
        if (d.outcome === 'pushed' && d.messageFrom) messagesFrom.set(d.messageFrom, (messagesFrom.get(d.messageFrom) ?? 0) + 1);
      }
      this.metrics.settled(batch[0].network, outcomes, messagesFrom);
    }
  }

  private async failed(network: string, failures: number, failure: NonNullable<BatchOutcome['failure']>): Promise<void> {
    const { maxAttempts } = this.config.chat.push;
    const park = failure.permanent || failures >= maxAttempts;
    const delayMs = pushRetryDelayMs(failures, this.config.chat.push, failure.retryAfterMs);
    await this.push.failed(network, this.holder, { error: failure.message, retryAt: new Date(Date.now() + delayMs), park });
    this.metrics.pushFailed(network, park);
    if (park) {
      this.logger.warn(
        `chat deliveries to ${network} parked after ${failures} failed push(es) (${failure.message}); an operator may retry or discard them`,
      );
    }
  }
}

/** The promise itself, kept from counting as unhandled while it is not yet awaited (it is awaited later, or dropped on purpose). */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

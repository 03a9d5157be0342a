import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type LiDeliveryConfig } from '@app/config';
import { type LiDestinationDue, LiDeliveryRepository, LiRecordRepository, type LiRecordToSend, TransactionRunner } from '@app/db';
import { HubKeysService } from '@app/interconnect';
import {
  DestinationBusyError,
  OutboundClient,
  outboundErrorIn,
  ResponseTooLargeError,
  type SigningKeySource,
} from '@app/outbound';
import { PollingLoop } from '@app/queue';
import { failureOutcome, liRetryDelayMs } from './li-backoff.js';
import { LiRecordsSignal } from './li-records-signal.js';
import type { LiDeliveredRecord, LiKeepaliveBody, LiRecord, LiRecordsBody } from './li-record.js';
import { LiSealer } from './li-sealer.js';

/** The header naming what a hub request to an agency carries. */
export const LI_EVENT_HEADER = 'x-hub-event';

const BUSY_PAUSE_MS = 20;
const BUSY_TRIES = 100;

interface SendFailure {
  message: string;
  retryAfterMs: number;
}

/**
 * Runs in the worker: delivers the interception records to each destination, in order, from
 * PostgreSQL (a killed worker or a wiped Redis loses nothing: the next lease sends what is not
 * marked delivered), and sends each destination a keepalive when nothing went to it for
 * LI_KEEPALIVE_INTERVAL_MS.
 *
 * One worker at a time sends to a destination (a lease in li_delivery_state that runs out if the
 * worker dies); records stored by this process bring the next scan forward (to within
 * LI_DELIVERY_COALESCE_MS, so the records of many matching jobs share a request); within a
 * destination records go one POST after another, oldest first, so each (task,
 * destination) stream arrives in sequence order. A destination that fails rests with capped
 * exponential backoff and is never given up: its records wait for it, and each failure goes to
 * the delivery log (LI administrators only). Nothing about destinations, tasks or records goes to
 * the process log: addresses and outcomes are LI data.
 */
@Injectable()
export class LiPusher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiPusher.name);
  private readonly holder = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly settings: LiDeliveryConfig;
  private readonly leaseMs: number;
  /** the key as it is: a delivery or keepalive never creates or rotates one (operators would see that in their audit) */
  private readonly keys: SigningKeySource;
  private readonly draining = new Map<string, Promise<void>>();
  private readonly scans: PollingLoop;
  private unsubscribe: (() => void) | undefined;
  private soon: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sealer: LiSealer,
    private readonly records: LiRecordRepository,
    private readonly delivery: LiDeliveryRepository,
    private readonly signal: LiRecordsSignal,
    private readonly tx: TransactionRunner,
    private readonly outbound: OutboundClient,
    hubKeys: HubKeysService,
  ) {
    this.keys = { signingKey: () => hubKeys.currentSigningKey() };
    this.settings = config.liDelivery;
    this.leaseMs = 2 * this.settings.timeoutMs;
    this.scans = new PollingLoop(
      () => this.scan(),
      () => this.settings.scanIntervalMs,
    );
  }

  onApplicationBootstrap(): void {
    if (!this.sealer.enabled) return;
    // stored records bring the next scan forward to within LI_DELIVERY_COALESCE_MS: the records of
    // the matching jobs committed meanwhile then go in one request instead of one request each
    this.unsubscribe = this.signal.subscribe(() => {
      if (this.soon) return;
      this.soon = setTimeout(() => {
        this.soon = undefined;
        void this.scan();
      }, this.settings.coalesceMs);
    });
    this.scans.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.soon);
    await this.scans.stop();
    await Promise.all([...this.draining.values()]);
  }

  /** Starts a drain for every destination with records waiting or a keepalive due; returns how many. */
  private async scan(): Promise<number> {
    if (this.stopped) return 0;
    try {
      const now = Date.now();
      const due = (await this.delivery.dueDestinations(this.holder)).filter(
        (d) => d.hasPending || (!d.removed && keepaliveDue(d, now, this.settings.keepaliveIntervalMs)),
      );
      for (const d of due) this.wake(d);
      return due.length;
    } catch {
      // no detail: the message may name LI tables or values; the next scan tries again
      this.logger.warn(`a background scan failed; tried again in ${this.settings.scanIntervalMs} ms`);
      return 0;
    }
  }

  private wake(d: LiDestinationDue): void {
    if (this.stopped || this.draining.has(d.destinationId)) return;
    const drain = this.drain(d)
      .catch(() => undefined)
      .finally(() => this.draining.delete(d.destinationId));
    this.draining.set(d.destinationId, drain);
  }

  private async drain(d: LiDestinationDue): Promise<void> {
    const lease = await this.delivery.lease(d.destinationId, this.holder, this.leaseMs);
    if (!lease) return;
    let held = true;
    const keeper = setInterval(() => {
      void this.delivery
        .renew(d.destinationId, this.holder, this.leaseMs)
        .catch(() => false)
        .then((renewed) => {
          if (!renewed) held = false;
        });
    }, this.leaseMs / 3);
    let released = false;
    try {
      const { deliveryAddress } = this.sealer.open<{ deliveryAddress: string }>(d.sealed);
      let sent = false;
      while (held && !this.stopped) {
        const batch = await this.tx.run((manager) =>
          this.records.nextBatch(d.destinationId, this.holder, this.settings.batchSize, manager),
        );
        if (!batch) break; // the lease ran out: another worker sends from here on
        const { records } = batch;
        if (records.length === 0) break;
        const failure = await this.sendRecords(deliveryAddress, d.destinationId, records);
        if (failure) {
          await this.failed(d.destinationId, lease.failures, failure, 'records', records.length);
          released = true;
          return;
        }
        lease.failures = 0;
        sent = true;
        await this.tx.run(async (manager) => {
          await this.records.delivered(
            d.destinationId,
            records.map((r) => r.id),
            manager,
          );
          await this.delivery.succeeded(d.destinationId, manager);
          await this.delivery.log(
            { destinationId: d.destinationId, outcome: 'delivered', records: records.length, failures: 0, detail: null },
            manager,
          );
        });
        if (!batch.resent && records.length < this.settings.batchSize) break;
      }
      if (!sent && held && !this.stopped && !d.removed && keepaliveDue(d, Date.now(), this.settings.keepaliveIntervalMs)) {
        const failure = await this.sendKeepalive(deliveryAddress, d.destinationId);
        if (failure) {
          await this.failed(d.destinationId, lease.failures, failure, 'keepalive', 0);
          released = true;
          return;
        }
        await this.tx.run(async (manager) => {
          await this.delivery.succeeded(d.destinationId, manager);
          await this.delivery.log(
            { destinationId: d.destinationId, outcome: 'keepalive', records: 0, failures: 0, detail: null },
            manager,
          );
        });
      }
    } finally {
      clearInterval(keeper);
      if (!released) await this.delivery.release(d.destinationId, this.holder).catch(() => undefined);
    }
  }

  private async failed(
    destinationId: string,
    failuresBefore: number,
    failure: SendFailure,
    what: 'records' | 'keepalive',
    records: number,
  ): Promise<void> {
    const failures = failuresBefore + 1;
    const outcome = what === 'keepalive' ? 'keepalive-failed' : failureOutcome(failures, this.settings);
    const atCap = failureOutcome(failures, this.settings) === 'retrying-at-cap';
    const delayMs = atCap
      ? Math.max(this.settings.retryMaxMs, failure.retryAfterMs)
      : liRetryDelayMs(failures, this.settings, failure.retryAfterMs);
    await this.tx.run(async (manager) => {
      const counted = await this.delivery.failed(destinationId, this.holder, new Date(Date.now() + delayMs), manager);
      await this.delivery.log(
        {
          destinationId,
          outcome,
          records,
          failures: counted || failures,
          detail: this.sealer.seal({ error: failure.message, retryInMs: delayMs }),
        },
        manager,
      );
    });
  }

  private sendRecords(address: string, destinationId: string, records: LiRecordToSend[]): Promise<SendFailure | null> {
    const body: LiRecordsBody = {
      type: 'records',
      hub: this.config.hub.domain,
      destinationId,
      records: records.map((r): LiDeliveredRecord => ({ sequence: r.seq, ...this.sealer.open<LiRecord>(r.sealed) })),
    };
    return this.post(address, JSON.stringify(body), `li-${destinationId}-${records[0].id}-${records.at(-1)?.id}`, 'li-records');
  }

  private sendKeepalive(address: string, destinationId: string): Promise<SendFailure | null> {
    const at = new Date().toISOString();
    const body: LiKeepaliveBody = { type: 'keepalive', hub: this.config.hub.domain, destinationId, at };
    return this.post(address, JSON.stringify(body), `li-keepalive-${destinationId}-${at}`, 'li-keepalive');
  }

  /** One signed POST; null when the agency answered 2xx, else what failed (never thrown: the caller logs it as LI data). */
  private async post(address: string, json: string, idempotencyKey: string, event: string): Promise<SendFailure | null> {
    for (let tries = 1; ; tries++) {
      try {
        await this.outbound.send({
          method: 'POST',
          url: address,
          contentType: 'application/json',
          body: json,
          idempotencyKey,
          headers: { [LI_EVENT_HEADER]: event },
          timeoutMs: this.settings.timeoutMs,
          keys: this.keys,
        });
        return null;
      } catch (error) {
        if (error instanceof ResponseTooLargeError && error.status >= 200 && error.status < 300) return null;
        if (error instanceof DestinationBusyError && tries < BUSY_TRIES) {
          await sleep(BUSY_PAUSE_MS);
          continue;
        }
        const known = outboundErrorIn(error);
        return { message: known?.message ?? (error as Error).message ?? String(error), retryAfterMs: known?.retryAfterMs ?? 0 };
      }
    }
  }
}

function keepaliveDue(d: Pick<LiDestinationDue, 'lastAttemptAt'>, now: number, intervalMs: number): boolean {
  return d.lastAttemptAt === null || now - new Date(d.lastAttemptAt).getTime() >= intervalMs;
}

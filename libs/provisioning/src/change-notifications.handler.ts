import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JobReceiptRepository, MemberRepository, ProvisioningRepository, TransactionRunner } from '@app/db';
import {
  DeliverChangeNotificationPayload,
  JobName,
  type JobRef,
  OutboxWriter,
  ProvisioningPublishedPayload,
  QueueName,
} from '@app/queue';
import type { ProvisioningDocument } from '@app/xml';
import { membershipFor } from '@app/interconnect';
import { OutboundClient, ResponseTooLargeError } from '@app/outbound';
import { ProvisioningViews } from './provisioning-views.service.js';

/** Value of the `X-Hub-Event` header of a change notification. */
export const CHANGE_NOTIFICATION_EVENT = 'provisioning-changed';

/** The JSON body POSTed to a subscriber's `change-notification` URI. */
export interface ChangeNotificationBody {
  domain: string;
  seq: number;
  ver: string;
  published: string;
  hub: string;
}

export type FanOutResult =
  { outcome: 'duplicate' } | { outcome: 'skipped'; reason: string } | { outcome: 'fanned-out'; subscribers: number };

export type DeliveryResult =
  { outcome: 'duplicate' } | { outcome: 'skipped'; reason: string } | { outcome: 'delivered'; status: number };

/**
 * Consumer side of `provisioning-changes` and `change-notifications`.
 *
 * Fan-out: one `deliver-change-notification` job per member allowed to see the publisher at that
 * moment, written to the outbox in the transaction that records the fan-out's receipt, so a
 * worker that dies half-way has enqueued nothing and a redelivery enqueues nothing twice.
 *
 * Delivery: re-checks that the subscriber is still active and still allowed to see the publisher,
 * then POSTs the notification through the OutboundClient (signed, SSRF-guarded, bounded). At least once: a crash after the POST and before the receipt
 * repeats the POST with the same `Idempotency-Key` (the job id).
 */
@Injectable()
export class ChangeNotificationsHandler {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly receipts: JobReceiptRepository,
    private readonly members: MemberRepository,
    private readonly provisioning: ProvisioningRepository,
    private readonly views: ProvisioningViews,
    private readonly outbox: OutboxWriter,
    private readonly outbound: OutboundClient,
  ) {}

  async fanOut(job: JobRef, payload: ProvisioningPublishedPayload): Promise<FanOutResult> {
    if (await this.receipts.findByJobId(job.id)) return { outcome: 'duplicate' };
    const publisher = await this.members.findById(payload.memberId);
    const active = publisher?.status === 'active' ? publisher : null;
    const skipped = active ? undefined : 'publisher is no longer active';
    // a newer version may exist by now; the subscribers still learn about this one (its ver is in the payload)
    const subscribers = active ? await this.views.subscribersOf(active.domain) : [];
    const recorded = await this.tx.run(async (manager) => {
      const first = await this.receipts.recordOnce(
        {
          jobId: job.id,
          queue: QueueName.ProvisioningChanges,
          jobName: JobName.ProvisioningPublished,
          result: { domain: payload.domain, seq: payload.seq, ver: payload.ver, subscribers: subscribers.length, skipped },
          attemptsMade: job.attemptsMade,
        },
        manager,
      );
      if (!first) return false;
      for (const subscriber of subscribers) {
        await this.outbox.enqueue(
          JobName.DeliverChangeNotification,
          {
            subscriberDomain: subscriber.domain,
            url: subscriber.url,
            domain: payload.domain,
            seq: payload.seq,
            ver: payload.ver,
            publishedAt: payload.publishedAt,
          },
          manager,
        );
      }
      return true;
    });
    if (!recorded) return { outcome: 'duplicate' };
    return skipped ? { outcome: 'skipped', reason: skipped } : { outcome: 'fanned-out', subscribers: subscribers.length };
  }

  /**
   * Throws the outbound client's OutboundError (`permanent` when no retry can fix it), or any
   * other error for a retry. The URL is the subscriber's current one: a subscriber that moved its webhook since the
   * fan-out gets the notification at the new address, one that removed it gets nothing.
   */
  async deliver(job: JobRef, payload: DeliverChangeNotificationPayload): Promise<DeliveryResult> {
    if (await this.receipts.findByJobId(job.id)) return { outcome: 'duplicate' };
    const target = await this.currentTarget(payload);
    if ('skipped' in target) {
      return (await this.record(job, payload, { skipped: target.skipped }))
        ? { outcome: 'skipped', reason: target.skipped }
        : { outcome: 'duplicate' };
    }
    const status = await this.post(target.url, job.id, {
      domain: payload.domain,
      seq: payload.seq,
      ver: payload.ver,
      published: payload.publishedAt,
      hub: this.config.hub.domain,
    });
    await this.record(job, payload, { status });
    return { outcome: 'delivered', status };
  }

  /** Where to deliver now, or why not to: the subscriber must still be active and allowed to see the publisher. */
  private async currentTarget(payload: DeliverChangeNotificationPayload): Promise<{ url: string } | { skipped: string }> {
    const subscriber = await this.members.findByDomain(payload.subscriberDomain);
    if (subscriber?.status !== 'active') return { skipped: 'subscriber is no longer active' };
    const publisher = await this.members.findByDomain(payload.domain);
    if (!publisher) return { skipped: 'publisher no longer exists' };
    const published = await this.provisioning.findCurrent(publisher.id);
    // the rule of the fan-out (blocks included), not only the publisher's privacy
    if (!(await this.views.canSee(subscriber.domain, publisher, published?.document))) {
      return { skipped: 'subscriber may no longer see the publisher' };
    }
    const own = await this.provisioning.findCurrent(subscriber.id);
    const uri = membershipFor(own?.document as unknown as ProvisioningDocument | undefined, this.config.hub.domain)
      ?.changeNotification?.uri;
    if (!uri) return { skipped: 'subscriber no longer has a change-notification URI' };
    return { url: uri };
  }

  /**
   * One signed POST through the hub's outbound client; returns the 2xx status or throws its
   * OutboundError (permanent: refused destination, 3xx, other 4xx; otherwise retryable, with the
   * receiver's Retry-After when it sent one).
   */
  private async post(url: string, idempotencyKey: string, body: ChangeNotificationBody): Promise<number> {
    try {
      const response = await this.outbound.send({
        method: 'POST',
        url,
        contentType: 'application/json',
        body: JSON.stringify(body),
        idempotencyKey,
        headers: { 'x-hub-event': CHANGE_NOTIFICATION_EVENT },
        timeoutMs: this.config.webhooks.timeoutMs,
      });
      return response.status;
    } catch (error) {
      // the notification arrived; only the answer's body was too long to read
      if (error instanceof ResponseTooLargeError && error.status >= 200 && error.status < 300) return error.status;
      throw error;
    }
  }

  private record(job: JobRef, payload: DeliverChangeNotificationPayload, result: Record<string, unknown>): Promise<boolean> {
    return this.tx.run((manager) =>
      this.receipts.recordOnce(
        {
          jobId: job.id,
          queue: QueueName.ChangeNotifications,
          jobName: JobName.DeliverChangeNotification,
          result: { subscriberDomain: payload.subscriberDomain, domain: payload.domain, ver: payload.ver, ...result },
          attemptsMade: job.attemptsMade,
        },
        manager,
      ),
    );
  }
}

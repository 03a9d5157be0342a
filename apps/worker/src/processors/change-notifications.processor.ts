import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ChangeNotificationsHandler } from '@app/provisioning';
import { DestinationBusyError, OutboundResponseError, outboundErrorIn } from '@app/outbound';
import { type DeliverChangeNotificationPayload, FailedJobs, type JobHandlerMap, jobRef, JobName, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';
import { longestBackoffMs, webhookBackoff } from './webhook-backoff.js';

/** How long a delivery waits when every request slot of its destination is taken (plus up to as much jitter). */
const BUSY_DESTINATION_DELAY_MS = 1000;

/**
 * Transport only: one webhook delivery per job, by the provisioning library. A permanent failure
 * (refused destination, 3xx or 4xx answer) or a Retry-After beyond the retry budget becomes
 * UnrecoverableError; a destination with no free request slot defers the job without spending an
 * attempt; anything else is retried with the backoff.
 */
@Processor(QueueName.ChangeNotifications, { autorun: false })
export class ChangeNotificationsProcessor extends CatalogueWorkerHost<QueueName.ChangeNotifications> {
  protected readonly handlers: JobHandlerMap<QueueName.ChangeNotifications> = {
    [JobName.DeliverChangeNotification]: async (job) => {
      try {
        return await this.handler.deliver(jobRef(job), job.data);
      } catch (error) {
        throw await this.failure(job, error);
      }
    },
  };

  constructor(
    private readonly handler: ChangeNotificationsHandler,
    @Inject(APP_CONFIG) config: AppConfig,
    failures: FailedJobs,
  ) {
    super(QueueName.ChangeNotifications, config, failures);
  }

  /** The backoff strategy depends on config and must be in place before the first job fails. */
  protected override configureWorker(): void {
    this.worker.opts.settings = {
      ...this.worker.opts.settings,
      backoffStrategy: webhookBackoff(this.config.webhooks.retryDelayMs),
    };
  }

  /** What to throw to BullMQ for a failed delivery. */
  private async failure(job: Job<DeliverChangeNotificationPayload>, error: unknown): Promise<unknown> {
    const outbound = outboundErrorIn(error);
    if (!outbound) return error;
    if (outbound.permanent) return new UnrecoverableError(outbound.message);
    if (outbound instanceof DestinationBusyError) {
      const delay = BUSY_DESTINATION_DELAY_MS * (1 + Math.random());
      await job.moveToDelayed(Date.now() + delay, job.token);
      return new DelayedError(outbound.message);
    }
    // the receiver's own Retry-After must fit the retry budget; an open circuit only delays the retry
    const budget = longestBackoffMs(job, this.config.webhooks.retryDelayMs);
    if (outbound instanceof OutboundResponseError && outbound.retryAfterMs !== undefined && outbound.retryAfterMs > budget) {
      return new UnrecoverableError(
        `${outbound.message}; Retry-After asks for ${Math.ceil(outbound.retryAfterMs / 1000)} s, beyond the retry budget (at most ${Math.ceil(budget / 1000)} s between attempts)`,
      );
    }
    return error;
  }

  /** Which notification a delivery that failed for good was (the URL is left out: it may hold a secret). */
  protected override describe(job: Job<DeliverChangeNotificationPayload>): string {
    const { subscriberDomain, domain, seq } = job.data;
    return `${domain} seq ${seq} to ${subscriberDomain}`;
  }
}

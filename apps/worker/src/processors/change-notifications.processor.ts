import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Backoffs, BackoffStrategy, Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ChangeNotificationsHandler, PermanentDeliveryError } from '@app/provisioning';
import {
  type DeliverChangeNotificationPayload,
  FailedJobs,
  JOB_CATALOGUE,
  type JobHandlerMap,
  jobRef,
  JobName,
  QueueName,
  WEBHOOK_BACKOFF,
} from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/**
 * The `webhook-exponential` backoff of the catalogue: BullMQ's exponential backoff with the job's
 * jitter, from `baseDelayMs` (WEBHOOK_RETRY_DELAY_MS) when set, otherwise from the job's own delay.
 */
export function webhookBackoff(baseDelayMs: number | undefined): BackoffStrategy {
  const fallback = JOB_CATALOGUE[JobName.DeliverChangeNotification].options.backoff;
  return (attemptsMade, type, error, job) => {
    if (type !== WEBHOOK_BACKOFF) throw new Error(`unknown backoff strategy ${String(type)}`);
    const declared = job?.opts.backoff ?? fallback;
    const { delay, jitter } = typeof declared === 'object' ? declared : { delay: declared, jitter: 0 };
    return Backoffs.builtinStrategies.exponential(baseDelayMs ?? delay ?? 1000, jitter)(attemptsMade, type, error, job);
  };
}

/**
 * Transport only: one webhook delivery per job, by the provisioning library. A permanent failure
 * (non-http URL, 4xx answer) becomes UnrecoverableError; anything else is retried with the backoff.
 */
@Processor(QueueName.ChangeNotifications, { autorun: false })
export class ChangeNotificationsProcessor extends CatalogueWorkerHost<QueueName.ChangeNotifications> {
  protected readonly handlers: JobHandlerMap<QueueName.ChangeNotifications> = {
    [JobName.DeliverChangeNotification]: async (job) => {
      try {
        return await this.handler.deliver(jobRef(job), job.data);
      } catch (error) {
        if (error instanceof PermanentDeliveryError) throw new UnrecoverableError(error.message);
        throw error;
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

  /** Which notification a delivery that failed for good was (the URL is left out: it may hold a secret). */
  protected override describe(job: Job<DeliverChangeNotificationPayload>): string {
    const { subscriberDomain, domain, seq } = job.data;
    return `${domain} seq ${seq} to ${subscriberDomain}`;
  }
}

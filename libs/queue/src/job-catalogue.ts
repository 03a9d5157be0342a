import type { JobsOptions } from 'bullmq';
import type { MemberStatus } from '@app/db';

/** Every queue the hub uses. Consumers live only in apps/worker. */
export enum QueueName {
  MemberEvents = 'member-events',
  ProvisioningChanges = 'provisioning-changes',
  ChangeNotifications = 'change-notifications',
}

/** Every job name, kebab-case. */
export enum JobName {
  MemberStatusChanged = 'member-status-changed',
  ProvisioningPublished = 'provisioning-published',
  DeliverChangeNotification = 'deliver-change-notification',
}

export interface MemberStatusChangedPayload {
  memberId: string;
  domain: string;
  from: MemberStatus | null;
  to: MemberStatus;
  reason: string | null;
  at: string;
}

/** A member published a new provisioning version: fan out notifications to the members that may see it. */
export interface ProvisioningPublishedPayload {
  memberId: string;
  domain: string;
  versionId: string;
  seq: number;
  ver: string;
  publishedAt: string;
}

/** One webhook delivery to one subscriber's `change-notification` URI. */
export interface DeliverChangeNotificationPayload {
  subscriberDomain: string;
  url: string;
  domain: string;
  seq: number;
  ver: string;
  publishedAt: string;
}

/** Payload type per job: the compiler rejects a producer or consumer that disagrees. */
export interface JobPayloads {
  [JobName.MemberStatusChanged]: MemberStatusChangedPayload;
  [JobName.ProvisioningPublished]: ProvisioningPublishedPayload;
  [JobName.DeliverChangeNotification]: DeliverChangeNotificationPayload;
}

export interface JobDefinition {
  queue: QueueName;
  options: JobsOptions;
}

const DAY_SECONDS = 24 * 3600;

/**
 * Custom backoff type of webhook deliveries: exponential with jitter like BullMQ's own, but the
 * base delay can be overridden per deployment (WEBHOOK_RETRY_DELAY_MS). The change-notifications
 * worker computes it (`settings.backoffStrategy`); only that worker may consume these jobs.
 */
export const WEBHOOK_BACKOFF = 'webhook-exponential';

/** Retry policy declared once per job: exponential backoff with jitter, bounded history. */
export const JOB_CATALOGUE: { readonly [N in JobName]: JobDefinition } = {
  [JobName.MemberStatusChanged]: {
    queue: QueueName.MemberEvents,
    options: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
      removeOnComplete: { age: 7 * DAY_SECONDS, count: 10_000 },
      removeOnFail: { age: 30 * DAY_SECONDS },
    },
  },
  [JobName.ProvisioningPublished]: {
    queue: QueueName.ProvisioningChanges,
    options: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
      removeOnComplete: { age: 7 * DAY_SECONDS, count: 10_000 },
      removeOnFail: { age: 30 * DAY_SECONDS },
    },
  },
  [JobName.DeliverChangeNotification]: {
    queue: QueueName.ChangeNotifications,
    // a webhook may be down for hours: 10 attempts, the last one 6 to 8.5 hours after the first
    options: {
      attempts: 10,
      backoff: { type: WEBHOOK_BACKOFF, delay: 60_000, jitter: 0.5 },
      removeOnComplete: { age: 7 * DAY_SECONDS, count: 50_000 },
      removeOnFail: { age: 30 * DAY_SECONDS },
    },
  },
};

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

/** Outbox-fed jobs get a deterministic id so a re-dispatched row never becomes a second job. */
export const outboxJobId = (jobKey: string): string => `outbox-${jobKey}`;

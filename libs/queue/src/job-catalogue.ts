import type { Job, JobsOptions } from 'bullmq';
import { type MemberStatus } from '@app/common';

/** Every queue the hub uses. Consumers live only in apps/worker. */
export enum QueueName {
  MemberEvents = 'member-events',
  ProvisioningChanges = 'provisioning-changes',
  ChangeNotifications = 'change-notifications',
  MessageLog = 'message-log',
  MessageLogMaintenance = 'message-log-maintenance',
  Chat = 'chat',
  /** confidential: never shown to operators (QUEUE_SHOWN_TO_OPERATORS) */
  LawfulInterception = 'lawful-interception',
}

/** Every job name, kebab-case. */
export enum JobName {
  MemberStatusChanged = 'member-status-changed',
  ProvisioningPublished = 'provisioning-published',
  DeliverChangeNotification = 'deliver-change-notification',
  MessageLogBatchCommitted = 'message-log-batch-committed',
  MaintainMessageLogPartitions = 'maintain-message-log-partitions',
  EnforceMessageLogRetention = 'enforce-message-log-retention',
  ChatEventCommitted = 'chat-event-committed',
  LiMatchLogBatch = 'li-match-log-batch',
  LiMatchChatEvent = 'li-match-chat-event',
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

/** A batch of message-log records committed: downstream consumers (statistics, interception) read it from PostgreSQL. */
export interface MessageLogBatchCommittedPayload {
  batchId: string;
  origin: string;
  /** the batch's records are origin's chain positions fromSeq..toSeq */
  fromSeq: number;
  toSeq: number;
  records: number;
  committedAt: string;
}

/** Scheduled upkeep of the message log (partitions ahead, retention); nothing but the time it was asked for. */
export interface MessageLogMaintenancePayload {
  requestedAt: string;
}

/** An event of a hub-hosted room committed (a message, a membership change): log it and deliver it. */
export interface ChatEventCommittedPayload {
  roomId: string;
  seq: string;
  kind: string;
}

/**
 * Interception matching of one committed message-log batch: enqueued for every batch while LI is
 * enabled, whatever the tasks, so nothing operators see depends on them. Ids only.
 */
export interface LiMatchLogBatchPayload {
  origin: string;
  fromSeq: number;
  toSeq: number;
}

/** Interception matching of one committed room event: enqueued for every event while LI is enabled. Ids only. */
export interface LiMatchChatEventPayload {
  roomId: string;
  seq: string;
}

/** Payload type per job: the compiler rejects a producer or consumer that disagrees. */
export interface JobPayloads {
  [JobName.MemberStatusChanged]: MemberStatusChangedPayload;
  [JobName.ProvisioningPublished]: ProvisioningPublishedPayload;
  [JobName.DeliverChangeNotification]: DeliverChangeNotificationPayload;
  [JobName.MessageLogBatchCommitted]: MessageLogBatchCommittedPayload;
  [JobName.MaintainMessageLogPartitions]: MessageLogMaintenancePayload;
  [JobName.EnforceMessageLogRetention]: MessageLogMaintenancePayload;
  [JobName.ChatEventCommitted]: ChatEventCommittedPayload;
  [JobName.LiMatchLogBatch]: LiMatchLogBatchPayload;
  [JobName.LiMatchChatEvent]: LiMatchChatEventPayload;
}

/**
 * Where a job comes from, which decides what makes it durable:
 * - `outbox`: written to the outbox in the transaction of its cause; its handler records a receipt
 *   in the transaction of its effect, and the reconciler adds the job again (same id) while the
 *   receipt is missing and the queue has lost the job;
 * - `schedule`: produced by a BullMQ job scheduler, which the worker re-creates when it is missing.
 */
export type JobSource = 'outbox' | 'schedule';

export interface JobDefinition {
  queue: QueueName;
  source: JobSource;
  options: JobsOptions;
  /**
   * How many times a run may be interrupted (its worker died or lost the job's lock) with the job
   * still handed out again: a stall is retried like a failed attempt, as often as attempts allow.
   * One more stall fails the job for good (logged, and parked if it came from the outbox).
   */
  maxStalls: number;
}

const DAY_SECONDS = 24 * 3600;

/**
 * Custom backoff type of webhook deliveries: exponential with jitter like BullMQ's own, but the
 * base delay can be overridden per deployment (WEBHOOK_RETRY_DELAY_MS). The change-notifications
 * worker computes it (`settings.backoffStrategy`); only that worker may consume these jobs.
 */
export const WEBHOOK_BACKOFF = 'webhook-exponential';

/** Internal events: retried quickly (8 attempts over about 4 minutes), a week of history. */
const EVENT_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 7 * DAY_SECONDS, count: 10_000 },
  removeOnFail: { age: 30 * DAY_SECONDS },
};

/** Scheduled upkeep: the next run comes anyway, so few attempts and a short history. */
const MAINTENANCE_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000, jitter: 0.5 },
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 100 },
};

/** A webhook may be down for hours: 10 attempts, the last one 6 to 8.5 hours after the first. */
const WEBHOOK_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: WEBHOOK_BACKOFF, delay: 60_000, jitter: 0.5 },
  removeOnComplete: { age: 7 * DAY_SECONDS, count: 50_000 },
  removeOnFail: { age: 30 * DAY_SECONDS },
};

/**
 * Interception matching: retried like internal events, but no history is kept in the queue
 * backend once done (the receipt in PostgreSQL is what counts), and failures are kept as long as
 * other events' so an LI administrator can find them.
 */
const LI_MATCH_OPTIONS: JobsOptions = {
  ...EVENT_OPTIONS,
  removeOnComplete: true,
};

/** Retry and stall policy declared once per job: exponential backoff with jitter, bounded history. */
export const JOB_CATALOGUE = {
  [JobName.MemberStatusChanged]: { queue: QueueName.MemberEvents, source: 'outbox', options: EVENT_OPTIONS, maxStalls: 8 },
  [JobName.ProvisioningPublished]: {
    queue: QueueName.ProvisioningChanges,
    source: 'outbox',
    options: EVENT_OPTIONS,
    maxStalls: 8,
  },
  [JobName.DeliverChangeNotification]: {
    queue: QueueName.ChangeNotifications,
    source: 'outbox',
    options: WEBHOOK_OPTIONS,
    maxStalls: 10,
  },
  [JobName.MessageLogBatchCommitted]: {
    queue: QueueName.MessageLog,
    source: 'outbox',
    options: { ...EVENT_OPTIONS, removeOnComplete: { age: DAY_SECONDS, count: 10_000 } },
    maxStalls: 8,
  },
  [JobName.MaintainMessageLogPartitions]: {
    queue: QueueName.MessageLogMaintenance,
    source: 'schedule',
    options: MAINTENANCE_OPTIONS,
    maxStalls: 3,
  },
  [JobName.EnforceMessageLogRetention]: {
    queue: QueueName.MessageLogMaintenance,
    source: 'schedule',
    options: MAINTENANCE_OPTIONS,
    maxStalls: 3,
  },
  [JobName.ChatEventCommitted]: { queue: QueueName.Chat, source: 'outbox', options: EVENT_OPTIONS, maxStalls: 8 },
  [JobName.LiMatchLogBatch]: {
    queue: QueueName.LawfulInterception,
    source: 'outbox',
    options: LI_MATCH_OPTIONS,
    maxStalls: 8,
  },
  [JobName.LiMatchChatEvent]: {
    queue: QueueName.LawfulInterception,
    source: 'outbox',
    options: LI_MATCH_OPTIONS,
    maxStalls: 8,
  },
} satisfies { readonly [N in JobName]: JobDefinition };

const CATALOGUE_ENTRIES = Object.entries(JOB_CATALOGUE) as Array<[JobName, JobDefinition]>;

/** The jobs fed by the outbox: each records a receipt, and the reconciler covers them. */
export const OUTBOX_JOBS: JobName[] = CATALOGUE_ENTRIES.filter(([, d]) => d.source === 'outbox').map(([name]) => name);

/**
 * BullMQ sets the stall limit per worker, that is per queue: the largest `maxStalls` of the
 * queue's jobs (every job of a queue declares the same today).
 */
export function queueStallLimit(queue: QueueName): number {
  return Math.max(1, ...CATALOGUE_ENTRIES.filter(([, d]) => d.queue === queue).map(([, d]) => d.maxStalls));
}

/** The jobs the catalogue puts on queue `Q`. */
export type QueueJobName<Q extends QueueName> = {
  [N in JobName]: (typeof JOB_CATALOGUE)[N]['queue'] extends Q ? N : never;
}[JobName];

/** What a job's handler in a domain library knows of the job: its id (receipts are keyed by it) and its attempts so far. */
export interface JobRef {
  id: string;
  attemptsMade: number;
}

export const jobRef = (job: Pick<Job, 'id' | 'attemptsMade'>): JobRef => ({
  id: String(job.id),
  attemptsMade: job.attemptsMade,
});

/** A consumer's handler for job `N`: gets the job with its catalogue payload type. */
export type JobHandler<N extends JobName> = (job: Job<JobPayloads[N]>) => Promise<unknown>;

/**
 * A consumer's handlers for every job of queue `Q`, keyed by job name: the compiler rejects a map
 * that misses a job of the queue, names a job of another queue, or takes the wrong payload type.
 */
export type JobHandlerMap<Q extends QueueName> = { readonly [N in QueueJobName<Q>]: JobHandler<N> };

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

/**
 * Whether operators see a queue (the queue dashboard, the admin job routes). Every queue must say
 * so: a queue whose jobs reveal something operators must not learn (lawful interception) is
 * declared `false` and is then answered like a queue that does not exist.
 */
export const QUEUE_SHOWN_TO_OPERATORS = {
  [QueueName.MemberEvents]: true,
  [QueueName.ProvisioningChanges]: true,
  [QueueName.ChangeNotifications]: true,
  [QueueName.MessageLog]: true,
  [QueueName.MessageLogMaintenance]: true,
  [QueueName.Chat]: true,
  [QueueName.LawfulInterception]: false,
} as const satisfies { readonly [Q in QueueName]: boolean };

/** The queues of the catalogue operators may see, in catalogue order. */
export const OPERATOR_QUEUES: QueueName[] = ALL_QUEUES.filter((q) => QUEUE_SHOWN_TO_OPERATORS[q]);

/** The operator-visible queue of that name; undefined for any other name (unknown or hidden alike). */
export const operatorQueue = (name: string): QueueName | undefined => OPERATOR_QUEUES.find((q) => q === name);

/** Prefix of the job id of every outbox-fed job (and so of its receipt). */
export const OUTBOX_JOB_ID_PREFIX = 'outbox-';

/** Outbox-fed jobs get a deterministic id so a re-dispatched row never becomes a second job. */
export const outboxJobId = (jobKey: string): string => `${OUTBOX_JOB_ID_PREFIX}${jobKey}`;

/** The outbox row's job key of an outbox-fed job id; undefined for any other job (a scheduled one). */
export const outboxJobKey = (jobId: string): string | undefined =>
  jobId.startsWith(OUTBOX_JOB_ID_PREFIX) ? jobId.slice(OUTBOX_JOB_ID_PREFIX.length) : undefined;

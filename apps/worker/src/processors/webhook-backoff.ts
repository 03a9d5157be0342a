import { Backoffs, BackoffStrategy, Job } from 'bullmq';
import { outboundErrorIn } from '@app/outbound';
import { JOB_CATALOGUE, JobName, WEBHOOK_BACKOFF } from '@app/queue';

interface BackoffPolicy {
  delay: number;
  jitter: number;
}

function backoffPolicy(job: Pick<Job, 'opts'> | undefined, baseDelayMs: number | undefined): BackoffPolicy {
  const declared = job?.opts.backoff ?? JOB_CATALOGUE[JobName.DeliverChangeNotification].options.backoff;
  const { delay, jitter } = typeof declared === 'object' ? declared : { delay: declared, jitter: 0 };
  return { delay: baseDelayMs ?? delay ?? 1000, jitter: jitter ?? 0 };
}

/**
 * The `webhook-exponential` backoff of the catalogue: BullMQ's exponential backoff with the job's
 * jitter, from `baseDelayMs` (WEBHOOK_RETRY_DELAY_MS) when set, otherwise from the job's own delay;
 * never sooner than the receiver asked (Retry-After) or than its open circuit lets a probe through.
 */
export function webhookBackoff(baseDelayMs: number | undefined): BackoffStrategy {
  return (attemptsMade, type, error, job) => {
    if (type !== WEBHOOK_BACKOFF) throw new Error(`unknown backoff strategy ${String(type)}`);
    const { delay, jitter } = backoffPolicy(job, baseDelayMs);
    const backoff = Backoffs.builtinStrategies.exponential(delay, jitter)(attemptsMade, type, error, job) as number;
    return Math.max(backoff, outboundErrorIn(error)?.retryAfterMs ?? 0);
  };
}

/**
 * The longest wait the job's own backoff would make (before its last attempt): a receiver asking
 * for more with Retry-After is asking for more than the retry budget, and the delivery is parked.
 */
export function longestBackoffMs(job: Pick<Job, 'opts'>, baseDelayMs: number | undefined): number {
  const { delay } = backoffPolicy(job, baseDelayMs);
  return delay * 2 ** Math.max(0, (job.opts.attempts ?? 1) - 2);
}

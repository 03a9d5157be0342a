import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import type { AppConfig } from '@app/config';
import { type FailedJobs, type JobHandlerMap, QueueMetrics, type QueueName, queueStallLimit } from '@app/queue';

/**
 * What every processor of the job catalogue shares: a typed handler per job of its queue,
 * concurrency from config, the catalogue's stall policy, draining before the database pool closes,
 * jobs that fail for good logged and parked (FailedJobs), and connection errors logged once per
 * distinct message (they repeat on every reconnect attempt while Redis is down).
 */
export abstract class CatalogueWorkerHost<Q extends QueueName>
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(this.constructor.name);
  private lastError = '';
  /** injected by property, so that the processors' constructors need not pass it along */
  @Inject(QueueMetrics) private readonly metrics!: QueueMetrics;

  /** One handler per job the catalogue puts on this queue (the compiler checks the map is complete). */
  protected abstract readonly handlers: JobHandlerMap<Q>;

  protected constructor(
    private readonly queueName: Q,
    protected readonly config: AppConfig,
    private readonly failures: FailedJobs,
  ) {
    super();
  }

  /**
   * Hands the job to the handler of its name, which is typed for that name's payload. A job name
   * the queue does not carry is a permanent failure: retrying cannot help.
   */
  async process(job: Job): Promise<unknown> {
    const handlers: Partial<Record<string, (job: Job) => Promise<unknown>>> = this.handlers;
    const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name] : undefined;
    if (!handler) throw new UnrecoverableError(`unknown job ${job.name} on ${this.queueName}`);
    const started = performance.now();
    try {
      const result = await handler(job);
      this.metrics.attemptEnded(this.queueName, job.name, 'completed', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.metrics.attemptEnded(this.queueName, job.name, 'failed', (performance.now() - started) / 1000);
      throw error;
    }
  }

  /**
   * Every catalogue processor is declared with `autorun: false` and started here, once its
   * settings are in place: BullMQ copies the lock settings into its lock manager when the worker
   * is built, so they are applied (and the lock manager rebuilt) before the first job.
   */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.queue.concurrency;
    // a killed worker's active jobs are handed out again once their lock expires and a stalled
    // check sees it: both follow WORKER_LOCK_DURATION_MS; how often that may happen to one job is
    // the catalogue's stall policy (BullMQ's default of 1 would fail a job on its second crash)
    const lockDuration = this.config.worker.lockDurationMs;
    Object.assign(this.worker.opts, {
      lockDuration,
      lockRenewTime: lockDuration / 2,
      stalledInterval: lockDuration,
      maxStalledCount: queueStallLimit(this.queueName),
    });
    (this.worker as unknown as { createLockManager(): void }).createLockManager();
    this.configureWorker();
    this.worker.run().catch((error: Error) => this.onError(error));
  }

  /** Settings a processor adds before its worker starts. */
  protected configureWorker(): void {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (error.message === this.lastError) return;
    this.lastError = error.message;
    this.logger.warn(`${this.queueName} worker: ${error.message}`);
  }

  @OnWorkerEvent('ready')
  onReady(): void {
    this.lastError = '';
  }

  /**
   * A job that will not run again (unrecoverable error, attempts spent, or interrupted more often
   * than the stall policy allows) is logged and, when it came from the outbox, parked.
   */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    if (!job) return;
    const unrecoverable = error instanceof UnrecoverableError || error.name === 'UnrecoverableError';
    if (!unrecoverable && job.attemptsMade < (job.opts.attempts ?? 1)) return;
    void this.failures.failedForGood(
      this.queueName,
      { id: String(job.id), name: job.name, attemptsMade: job.attemptsMade },
      error.message,
      this.describe(job),
    );
  }

  /**
   * BullMQ fails a job interrupted more often than the stall policy allows inside its stalled
   * check and reports only `stalled` for it, never `failed`: such a job is found in the failed set
   * here and reported like any other final failure.
   */
  @OnWorkerEvent('stalled')
  async onStalled(jobId: string): Promise<void> {
    try {
      const job = await Job.fromId(this.worker, jobId);
      if (!job || !(await job.isFailed())) return;
      await this.failures.failedForGood(
        this.queueName,
        { id: String(job.id), name: job.name, attemptsMade: job.attemptsMade },
        job.failedReason,
        this.describe(job),
      );
    } catch (error) {
      this.onError(error as Error);
    }
  }

  /** What a job is about, for the log line of a final failure (no secrets); nothing by default. */
  protected describe(_job: Job): string {
    return '';
  }
}

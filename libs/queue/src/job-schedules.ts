import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JOB_CATALOGUE, JobName, QueueName } from './job-catalogue.js';
import { QueueCounters } from './queue-counters.js';
import { withTimeout } from './with-timeout.js';

type ScheduledJob = JobName.MaintainMessageLogPartitions | JobName.EnforceMessageLogRetention;

const SCHEDULE_TIMEOUT_MS = 5000;

/**
 * Recurring jobs, declared once. BullMQ job schedulers (Redis and PostgreSQL backends) keep one
 * schedule per id whatever the number of worker replicas upserting it, and produce one job per
 * interval for all of them together.
 */
export function jobSchedules(config: AppConfig): Array<{ id: string; job: ScheduledJob; everyMs: number }> {
  return [
    { id: 'message-log-partitions', job: JobName.MaintainMessageLogPartitions, everyMs: config.messageLog.maintenanceIntervalMs },
    { id: 'message-log-retention', job: JobName.EnforceMessageLogRetention, everyMs: config.messageLog.maintenanceIntervalMs },
  ];
}

/**
 * Keeps the schedules installed (a producer: it lives here, consumers in apps/worker): when the
 * worker starts and every WORKER_SCHEDULE_CHECK_INTERVAL_MS, a schedule that is missing (Redis lost
 * its data) or has another interval is upserted. A schedule in place is left alone, so checking
 * never moves its next run.
 */
@Injectable()
export class JobSchedules implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobSchedules.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private failing = false;
  private installed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QueueName.MessageLogMaintenance) private readonly maintenance: Queue,
    private readonly counters: QueueCounters,
  ) {}

  /** The first check is part of the start (bounded by a timeout when the backend is down). */
  async onApplicationBootstrap(): Promise<void> {
    await this.ensure().catch(() => undefined);
    this.schedule(this.config.worker.scheduleCheckIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.ensure()
        .catch(() => undefined)
        .finally(() => {
          this.running = undefined;
          this.schedule(delay);
        });
    }, delay);
  }

  /** Installs every missing or changed schedule; returns the ids it (re-)created. */
  async ensure(): Promise<string[]> {
    const created: string[] = [];
    try {
      for (const schedule of jobSchedules(this.config)) {
        const { queue, options } = JOB_CATALOGUE[schedule.job];
        if (queue !== QueueName.MessageLogMaintenance) throw new Error(`no queue injected for ${queue}`);
        const current = await withTimeout(
          this.maintenance.getJobScheduler(schedule.id),
          SCHEDULE_TIMEOUT_MS,
          'reading a schedule',
        );
        if (current?.every === schedule.everyMs) continue;
        await withTimeout(
          this.maintenance.upsertJobScheduler(
            schedule.id,
            { every: schedule.everyMs },
            { name: schedule.job, data: { requestedAt: new Date().toISOString() }, opts: options },
          ),
          SCHEDULE_TIMEOUT_MS,
          `installing schedule ${schedule.id}`,
        );
        created.push(schedule.id);
        // a missing schedule after the first pass means the queue backend lost it
        if (this.installed && !current) this.counters.increment('job_schedules_restored_total', { schedule: schedule.id });
      }
    } catch (error) {
      // the queue backend may be down: the next check retries
      if (!this.failing)
        this.logger.warn(`could not check the job schedules, retried in the next check: ${(error as Error).message}`);
      this.failing = true;
      throw error;
    }
    if (this.installed && created.length)
      this.logger.warn(`job schedule(s) ${created.join(', ')} were missing and have been created again`);
    if (this.failing) this.logger.log('job schedules checked again');
    this.failing = false;
    this.installed = true;
    return created;
  }
}

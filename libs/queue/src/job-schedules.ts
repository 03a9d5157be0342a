import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JOB_CATALOGUE, JobName, QueueName } from './job-catalogue.js';

type ScheduledJob = JobName.MaintainMessageLogPartitions | JobName.EnforceMessageLogRetention;

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

/** Installs the schedules when the worker starts (a producer: it lives here, consumers in apps/worker). */
@Injectable()
export class JobSchedules implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobSchedules.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QueueName.MessageLogMaintenance) private readonly maintenance: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const schedule of jobSchedules(this.config)) {
      const { queue, options } = JOB_CATALOGUE[schedule.job];
      if (queue !== QueueName.MessageLogMaintenance) throw new Error(`no queue injected for ${queue}`);
      try {
        await this.maintenance.upsertJobScheduler(
          schedule.id,
          { every: schedule.everyMs },
          { name: schedule.job, data: { requestedAt: new Date().toISOString() }, opts: options },
        );
      } catch (error) {
        // the queue backend may be down at start: the dispatcher keeps working, the next start retries
        this.logger.warn(`could not install schedule ${schedule.id}: ${(error as Error).message}`);
      }
    }
  }
}

import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MessageLogPartitions, MessageLogRetention } from '@app/message-log';
import { JobName, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

type MaintenanceJob = JobName.MaintainMessageLogPartitions | JobName.EnforceMessageLogRetention;

/** Transport only: scheduled upkeep of the message log (see MessageLogSchedules). */
@Processor(QueueName.MessageLogMaintenance, { autorun: false })
export class MessageLogMaintenanceProcessor extends CatalogueWorkerHost {
  constructor(
    private readonly partitions: MessageLogPartitions,
    private readonly retention: MessageLogRetention,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(QueueName.MessageLogMaintenance, config);
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as MaintenanceJob;
    switch (name) {
      case JobName.MaintainMessageLogPartitions:
        return { created: await this.partitions.ensureAhead() };
      case JobName.EnforceMessageLogRetention: {
        const report = await this.retention.enforce();
        const { droppedPartitions, droppedRecords, deletedRecords, heldRecords, checkpoints } = report;
        return { droppedPartitions, droppedRecords, deletedRecords, heldRecords, checkpoints };
      }
      default: {
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown job ${String(unknownName)} on ${QueueName.MessageLogMaintenance}`);
      }
    }
  }
}

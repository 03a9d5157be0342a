import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MessageLogPartitions, MessageLogRetention } from '@app/message-log';
import { FailedJobs, type JobHandlerMap, JobName, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/** Transport only: scheduled upkeep of the message log (see MessageLogSchedules). */
@Processor(QueueName.MessageLogMaintenance, { autorun: false })
export class MessageLogMaintenanceProcessor extends CatalogueWorkerHost<QueueName.MessageLogMaintenance> {
  protected readonly handlers: JobHandlerMap<QueueName.MessageLogMaintenance> = {
    [JobName.MaintainMessageLogPartitions]: async () => ({ created: await this.partitions.ensureAhead() }),
    [JobName.EnforceMessageLogRetention]: async () => {
      const report = await this.retention.enforce();
      const { droppedPartitions, droppedRecords, deletedRecords, heldRecords, checkpoints } = report;
      return { droppedPartitions, droppedRecords, deletedRecords, heldRecords, checkpoints };
    },
  };

  constructor(
    private readonly partitions: MessageLogPartitions,
    private readonly retention: MessageLogRetention,
    @Inject(APP_CONFIG) config: AppConfig,
    failures: FailedJobs,
  ) {
    super(QueueName.MessageLogMaintenance, config, failures);
  }
}

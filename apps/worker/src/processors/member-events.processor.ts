import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MemberEventsHandler } from '@app/members';
import { FailedJobs, type JobHandlerMap, jobRef, JobName, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/** Transport only: hands the payload to the members library. */
@Processor(QueueName.MemberEvents, { autorun: false })
export class MemberEventsProcessor extends CatalogueWorkerHost<QueueName.MemberEvents> {
  protected readonly handlers: JobHandlerMap<QueueName.MemberEvents> = {
    [JobName.MemberStatusChanged]: (job) => this.handler.statusChanged(jobRef(job), job.data),
  };

  constructor(
    private readonly handler: MemberEventsHandler,
    @Inject(APP_CONFIG) config: AppConfig,
    failures: FailedJobs,
  ) {
    super(QueueName.MemberEvents, config, failures);
  }
}

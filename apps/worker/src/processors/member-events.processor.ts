import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MemberEventsHandler } from '@app/members';
import { JobName, MemberStatusChangedPayload, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/** Transport only: checks the job name and hands the payload to the members library. */
@Processor(QueueName.MemberEvents, { autorun: false })
export class MemberEventsProcessor extends CatalogueWorkerHost {
  constructor(
    private readonly handler: MemberEventsHandler,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(QueueName.MemberEvents, config);
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName.MemberStatusChanged;
    switch (name) {
      case JobName.MemberStatusChanged:
        return this.handler.statusChanged(
          { id: String(job.id), attemptsMade: job.attemptsMade },
          job.data as MemberStatusChangedPayload,
        );
      default: {
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown job ${String(unknownName)} on ${QueueName.MemberEvents}`);
      }
    }
  }
}

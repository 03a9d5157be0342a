import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ChangeNotificationsHandler } from '@app/provisioning';
import { JobName, ProvisioningPublishedPayload, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/** Transport only: a published version is fanned out to its subscribers by the provisioning library. */
@Processor(QueueName.ProvisioningChanges, { autorun: false })
export class ProvisioningChangesProcessor extends CatalogueWorkerHost {
  constructor(
    private readonly handler: ChangeNotificationsHandler,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(QueueName.ProvisioningChanges, config);
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName.ProvisioningPublished;
    switch (name) {
      case JobName.ProvisioningPublished:
        return this.handler.fanOut(
          { id: String(job.id), attemptsMade: job.attemptsMade },
          job.data as ProvisioningPublishedPayload,
        );
      default: {
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown job ${String(unknownName)} on ${QueueName.ProvisioningChanges}`);
      }
    }
  }
}

import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ChangeNotificationsHandler } from '@app/provisioning';
import { FailedJobs, type JobHandlerMap, jobRef, JobName, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/** Transport only: a published version is fanned out to its subscribers by the provisioning library. */
@Processor(QueueName.ProvisioningChanges, { autorun: false })
export class ProvisioningChangesProcessor extends CatalogueWorkerHost<QueueName.ProvisioningChanges> {
  protected readonly handlers: JobHandlerMap<QueueName.ProvisioningChanges> = {
    [JobName.ProvisioningPublished]: (job) => this.handler.fanOut(jobRef(job), job.data),
  };

  constructor(
    private readonly handler: ChangeNotificationsHandler,
    @Inject(APP_CONFIG) config: AppConfig,
    failures: FailedJobs,
  ) {
    super(QueueName.ProvisioningChanges, config, failures);
  }
}

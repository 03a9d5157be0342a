import { jest } from '@jest/globals';
import { Job } from 'bullmq';
import type { AppConfig } from '@app/config';
import { type FailedJobs, JobName, type JobHandlerMap, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

class MemberEventsHost extends CatalogueWorkerHost<QueueName.MemberEvents> {
  protected readonly handlers: JobHandlerMap<QueueName.MemberEvents> = {
    [JobName.MemberStatusChanged]: () => Promise.resolve(undefined),
  };
  constructor(failures: FailedJobs) {
    super(QueueName.MemberEvents, {} as AppConfig, failures);
  }
}

describe(CatalogueWorkerHost.name, () => {
  const failedForGood = jest.fn(async () => undefined);
  const host = new MemberEventsHost({ failedForGood } as unknown as FailedJobs);
  // the worker BullMQ builds at start; the lookup of the job is replaced below
  Object.assign(host, { _worker: {} });
  const job = (failed: boolean) =>
    ({
      id: 'outbox-7',
      name: JobName.MemberStatusChanged,
      attemptsMade: 2,
      failedReason: 'job stalled more than allowable limit',
      isFailed: async () => failed,
    }) as unknown as Job;

  beforeEach(() => failedForGood.mockClear());
  afterEach(() => jest.restoreAllMocks());

  it('should report a job that the stalled check failed for good, since BullMQ emits no failed event for it', async () => {
    jest.spyOn(Job, 'fromId').mockResolvedValue(job(true));
    await host.onStalled('outbox-7');
    expect(failedForGood).toHaveBeenCalledWith(
      QueueName.MemberEvents,
      { id: 'outbox-7', name: JobName.MemberStatusChanged, attemptsMade: 2 },
      'job stalled more than allowable limit',
      '',
    );
  });

  it('should not report a stalled job that was only handed out again', async () => {
    jest.spyOn(Job, 'fromId').mockResolvedValue(job(false));
    await host.onStalled('outbox-7');
    expect(failedForGood).not.toHaveBeenCalled();
  });
});

import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { JobName, outboxJobId, QueueName } from '@app/queue';
import {
  ActiveMember,
  createActiveMember,
  memberDocument,
  MemberDocumentOptions,
  startWebhookReceiver,
  testConfig,
  waitFor,
  WebhookReceiver,
} from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

/**
 * The destination is judged again when a delivery is sent, not only when the URI was saved: here
 * the hub accepted a loopback http: webhook (development setting) but the worker runs with
 * production rules, as after a change of settings or for a document stored under older rules.
 */
describe('outbound guard at send time (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  let receiver: WebhookReceiver;
  const http = () => request(hub.app.getHttpServer());
  const db = () => hub.app.get(DataSource);
  const queue = () => worker.get<Queue>(getQueueToken(QueueName.ChangeNotifications), { strict: false });

  beforeAll(async () => {
    const hubConfig = testConfig({ WEBHOOK_RETRY_DELAY_MS: '200', OUTBOUND_ALLOW_LOOPBACK: 'true' });
    const workerConfig: AppConfig = { ...hubConfig, outbound: { ...hubConfig.outbound, allowLoopback: false } };
    hub = await startTestHub(hubConfig);
    await hub.reset();
    worker = await startTestWorker(workerConfig);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await receiver?.close();
  });

  const publish = (member: ActiveMember, options: MemberDocumentOptions = {}) =>
    http()
      .put('/v1/provisioning')
      .set({ Authorization: `Bearer ${member.token}` })
      .send(memberDocument(member.domain, options))
      .expect(201);

  it('should park a delivery to a destination the worker refuses, with the reason, sending nothing', async () => {
    const watcher = await createActiveMember(hub.app);
    await publish(watcher, { changeNotification: `${receiver.url}/hook` });
    const publisher = await createActiveMember(hub.app);
    await publish(publisher);

    const [{ job_key }] = await waitFor(async () => {
      const rows: Array<{ job_key: string }> = await db().query(
        `SELECT job_key FROM outbox WHERE job_name = $1 AND payload->>'domain' = $2 AND payload->>'subscriberDomain' = $3`,
        [JobName.DeliverChangeNotification, publisher.domain, watcher.domain],
      );
      return rows.length ? rows : null;
    });
    const jobId = outboxJobId(job_key);
    const job = await waitFor(async () => ((await queue().getJobState(jobId)) === 'failed' ? queue().getJob(jobId) : null));
    expect(job?.failedReason).toMatch(/^destination refused: the scheme must be https:/);
    expect(job?.attemptsMade).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    expect(receiver.connections()).toBe(0);
  });
});

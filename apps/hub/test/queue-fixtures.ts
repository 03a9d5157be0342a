import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { JobName, outboxJobId } from '@app/queue';
import {
  createActiveMember,
  memberDocument,
  type MemberDocumentOptions,
  operatorAuth,
  startWebhookReceiver,
  testConfig,
  waitFor,
  type WebhookReceiver,
} from '@app/testing';
import { startTestHub, startTestWorker, type TestHub } from './test-hub.js';

export type QueueBackendName = 'redis' | 'postgresql';

/**
 * A hub and a worker on one queue backend, with webhook deliveries allowed to a local receiver,
 * and a way to make a change-notification delivery fail for good (the receiver answers 404, a
 * permanent refusal): its job lands in the failed set and its outbox row is parked.
 */
export interface QueueBench {
  hub: TestHub;
  worker: INestApplicationContext;
  config: AppConfig;
  receiver: WebhookReceiver;
  /** while true the receiver answers 404 (the delivery fails for good), afterwards 204 */
  refusing: { value: boolean };
  auditorToken: string;
  /** Publishes a new member's document to a subscriber; resolves with the delivery's job id once it is parked. */
  parkedDelivery(): Promise<string>;
  close(): Promise<void>;
}

export async function startQueueBench(backend: QueueBackendName): Promise<QueueBench> {
  const config = testConfig({
    WEBHOOK_TIMEOUT_MS: '2000',
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    HUB_SECRET_KEY: randomBytes(32).toString('hex'),
    ...(backend === 'postgresql' ? { REDIS_URL: '' } : {}),
  });
  const hub = await startTestHub(config);
  await hub.reset();
  const worker = await startTestWorker(config);
  const refusing = { value: true };
  const receiver = await startWebhookReceiver(() => (refusing.value ? 404 : 204));
  const http = () => request(hub.app.getHttpServer());
  const auditor = await http()
    .post('/admin/v1/operators')
    .set(operatorAuth)
    .send({ name: 'audrey', role: 'auditor' })
    .expect(201);
  const db = hub.app.get(DataSource);
  const publish = (token: string, domain: string, options: MemberDocumentOptions = {}) =>
    http()
      .put('/v1/provisioning')
      .set({ Authorization: `Bearer ${token}` })
      .send(memberDocument(domain, options))
      .expect(201);
  const subscriber = await createActiveMember(hub.app);
  await publish(subscriber.token, subscriber.domain, { changeNotification: `${receiver.url}/hook` });

  return {
    hub,
    worker,
    config,
    receiver,
    refusing,
    auditorToken: auditor.body.token as string,
    async parkedDelivery() {
      const publisher = await createActiveMember(hub.app);
      await publish(publisher.token, publisher.domain, { visibleToAll: true });
      const [row] = await waitFor(async () => {
        const rows: Array<{ job_key: string }> = await db.query(
          `SELECT job_key FROM outbox WHERE job_name = $1 AND payload->>'domain' = $2 AND payload->>'subscriberDomain' = $3
             AND parked_at IS NOT NULL`,
          [JobName.DeliverChangeNotification, publisher.domain, subscriber.domain],
        );
        return rows.length ? rows : null;
      });
      return outboxJobId(row.job_key);
    },
    async close() {
      await worker.close();
      await hub.close();
      await receiver.close();
    },
  };
}

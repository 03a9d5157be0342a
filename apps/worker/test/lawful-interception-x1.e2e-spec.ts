import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LiAdministrators } from '@app/li';
import {
  type ActiveMember,
  createActiveMember,
  delegateLogging,
  messageRecord,
  operatorAuth,
  type ReceivedRequest,
  startWebhookReceiver,
  testConfig,
  waitFor,
  type WebhookReceiver,
} from '@app/testing';
import { destinationDetails, lea, liEnv, taskDetails, x1Answers, x1Message, x1Request } from '../../hub/test/li-fixtures.js';
import { startTestHub, startTestWorker, type TestHub } from '../../hub/test/test-hub.js';
import { recordsTaken } from './li-task-fixtures.js';

describe('lawful interception tasked over X1, delivered to a local agency (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  let receiver: WebhookReceiver;
  let a: ActiveMember;
  let b: ActiveMember;
  const took: ReceivedRequest[] = [];
  let down = false;
  const http = () => request(hub.app.getHttpServer());
  const x1 = async (...messages: string[]) => {
    const res = await http()
      .post('/li/x1')
      .set(lea)
      .set('Content-Type', 'application/xml')
      .send(x1Request(...messages));
    const answer = x1Answers(res.text)[0];
    expect(answer.ok).toBe('AcknowledgedAndCompleted');
    return answer;
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver((r) => {
      if (down) return 503;
      took.push(r);
      return 204;
    });
    const config = testConfig(
      liEnv({
        LI_DELIVERY_SCAN_INTERVAL_MS: '100',
        LI_DELIVERY_RETRY_BASE_MS: '50',
        LI_DELIVERY_RETRY_MAX_MS: '200',
        OUTBOUND_CIRCUIT_OPEN_MS: '100',
      }),
    );
    hub = await startTestHub(config);
    await hub.reset();
    await hub.app.get(LiAdministrators).ensureBootstrapAdministrators();
    worker = await startTestWorker(config);
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await delegateLogging(hub.app, a);
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await receiver?.close();
  });

  it('should deliver a task’s IRI and CC from activation to deactivation, and show the delivery log to LI administrators only', async () => {
    const did = randomUUID();
    const xid = randomUUID();
    await x1(x1Message('CreateDestinationRequest', destinationDetails(did, `${receiver.url}/x2x3`, 'Agency')));
    await x1(
      x1Message(
        'ActivateTaskRequest',
        taskDetails({ xid, users: [`sip:alice@${a.domain}`], deliveryType: 'X2andX3', dids: [did] }),
      ),
    );

    down = true;
    const during = messageRecord(a.domain, b.domain, { body: 'during the warrant' });
    await http()
      .post('/v1/message-log')
      .set({ Authorization: `Bearer ${a.token}` })
      .send([during])
      .expect(200);
    await waitFor(async () => {
      const log = await http().get('/li/v1/deliveries').set(lea).expect(200);
      return (log.body as { entries: Array<{ outcome: string }> }).entries.some((e) => e.outcome === 'failed') || null;
    });
    await x1(x1Message('DeactivateTaskRequest', `<xId>${xid}</xId>`));
    const after = messageRecord(a.domain, b.domain, { body: 'after the warrant' });
    await http()
      .post('/v1/message-log')
      .set({ Authorization: `Bearer ${a.token}` })
      .send([after])
      .expect(200);
    down = false;

    // produced before the deactivation: still delivered; nothing after it
    await waitFor(async () => recordsTaken(took, xid).length === 2 || null);
    expect(recordsTaken(took, xid).map((r) => [r.sequence, r.type, r.messageId])).toEqual([
      [1, 'iri', during.messageId],
      [2, 'cc', during.messageId],
    ]);
    // every matching job has run (a receipt for each), so nothing more can come
    await waitFor(async () => {
      const rows: Array<{ n: number }> = await hub.app.get(DataSource).query(
        `SELECT count(*)::int AS n FROM outbox o WHERE o.queue IN ('message-log', 'lawful-interception')
          AND NOT EXISTS (SELECT 1 FROM job_receipts r WHERE r.job_id = 'outbox-' || o.job_key)`,
      );
      return rows[0].n === 0 || null;
    });
    expect(JSON.stringify(recordsTaken(took))).not.toContain('after the warrant');

    const log = await http().get('/li/v1/deliveries').query({ destinationId: did, limit: 50 }).set(lea).expect(200);
    const entries = (log.body as { entries: Array<{ outcome: string; error: string | null; records: number }> }).entries;
    expect(entries[0]).toMatchObject({ outcome: 'delivered', records: 2, error: null });
    expect(entries.find((e) => e.outcome === 'failed')?.error).toMatch(/answered 503/);
    await http().get('/li/v1/deliveries').query({ destinationId: 'nope' }).set(lea).expect(400);

    // anyone else: the hub's unknown-route answer
    const seen = async (path: string) => {
      const res = await http().get(path).set(operatorAuth);
      return {
        status: res.status,
        type: res.headers['content-type'],
        body: res.text.split(path).join('<path>').split(String(res.headers['x-request-id'])).join('<id>'),
      };
    };
    expect(await seen('/li/v1/deliveries')).toEqual(await seen('/no/such/routes'));
  });
});

import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createActiveMember, delegateLogging, messageRecord, testConfig, waitFor } from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

describe('message-log retention schedule (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext | undefined;
  const config = testConfig({
    MESSAGE_LOG_MAINTENANCE_INTERVAL_MS: '1000',
    MESSAGE_LOG_ACCEPT_PAST_DAYS: '365',
    MESSAGE_LOG_RETENTION_DAYS: '30',
  });

  beforeAll(async () => {
    hub = await startTestHub(config);
    await hub.reset();
  });
  afterAll(async () => {
    await worker?.close();
    await hub.close();
  });

  it('should remove expired records from the scheduled job, with a checkpoint and an audit entry', async () => {
    const a = await createActiveMember(hub.app, 'a.example.com');
    const b = await createActiveMember(hub.app, 'b.example.org');
    await delegateLogging(hub.app, a);
    const old = new Date(Date.now() - 60 * 86_400_000).toISOString();
    await request(hub.app.getHttpServer())
      .post('/v1/message-log')
      .set({ Authorization: `Bearer ${a.token}` })
      .send([messageRecord(a.domain, b.domain, { timestamp: old }), messageRecord(a.domain, b.domain)])
      .expect(200);
    const db = hub.app.get(DataSource);
    worker = await startTestWorker(config);
    await waitFor(
      async () => (await db.query("SELECT 1 FROM audit_log WHERE action = 'message-log.retention.enforced'")).length > 0,
      60_000,
      100,
    );
    expect(await db.query('SELECT seq FROM message_log ORDER BY seq')).toEqual([{ seq: '2' }]);
    expect(await db.query('SELECT from_seq, to_seq FROM message_log_checkpoints')).toEqual([{ from_seq: '1', to_seq: '1' }]);
  }, 90_000);
});

import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LiAdministrators, LiSealer } from '@app/li';
import { testConfig } from '@app/testing';
import {
  destinationDetails,
  find,
  lea,
  LI_SECRET_KEY,
  liEnv,
  taskDetails,
  text,
  x1Answers,
  x1Message,
  x1Request,
} from './li-fixtures.js';
import { startTestHub, type TestHub } from './test-hub.js';

describe('LI key rotation (e2e)', () => {
  const newKey = 'b2'.repeat(32);
  let hub: TestHub | undefined;
  afterEach(() => hub?.close());

  it('should re-seal everything and recompute the active targets under the new key at start', async () => {
    hub = await startTestHub(testConfig(liEnv()));
    await hub.reset();
    await hub.app.get(LiAdministrators).ensureBootstrapAdministrators();
    const did = randomUUID();
    const xid = randomUUID();
    const send = (target: TestHub, ...messages: string[]) =>
      request(target.app.getHttpServer())
        .post('/li/x1')
        .set(lea)
        .set('Content-Type', 'application/xml')
        .send(x1Request(...messages));
    await send(
      hub,
      x1Message('CreateDestinationRequest', destinationDetails(did, 'https://agency.example/x2')),
      x1Message('ActivateTaskRequest', taskDetails({ xid, users: ['sip:alice@a.example'], dids: [did] })),
    );
    await hub.close();

    hub = await startTestHub(testConfig(liEnv({ LI_SECRET_KEY: newKey, LI_PREVIOUS_SECRET_KEYS: LI_SECRET_KEY })));
    const sealer = hub.app.get(LiSealer);
    const db = hub.app.get(DataSource);
    const keyIds = (await db.query(
      `SELECT substring(sealed FROM 2 FOR 8) AS k FROM li_tasks UNION ALL SELECT substring(sealed FROM 2 FOR 8) FROM li_destinations
       UNION ALL SELECT substring(detail FROM 2 FOR 8) FROM li_audit WHERE detail IS NOT NULL`,
    )) as Array<{ k: Buffer }>;
    expect(keyIds.length).toBeGreaterThan(3);
    expect(keyIds.every((row) => row.k.equals(sealer.currentKeyId))).toBe(true);
    const lookups = (await db.query('SELECT lookup FROM li_task_targets WHERE xid = $1', [xid])) as Array<{ lookup: Buffer }>;
    expect(lookups.map((r) => r.lookup)).toEqual([sealer.targetLookup({ kind: 'user', uri: 'sip:alice@a.example' })]);
    const details = x1Answers((await send(hub, x1Message('GetTaskDetailsRequest', `<xId>${xid}</xId>`))).text)[0];
    expect(text(find(find(details.element, 'taskResponseDetails')!, 'taskDetails')!, 'warrantReference')).toBe('W-2026-001');
  });
});

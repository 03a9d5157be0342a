import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LiAdministrators, LiSealer } from '@app/li';
import { testConfig } from '@app/testing';
import {
  destinationDetails,
  find,
  kids,
  lea,
  liEnv,
  max,
  taskDetails,
  text,
  x1Answers,
  x1Message,
  x1Request,
} from './li-fixtures.js';
import { startTestHub, type TestHub } from './test-hub.js';

describe('X1 task lifecycle (e2e)', () => {
  let hub: TestHub;
  let fourEyesHub: TestHub;
  const x1 = (target: TestHub, auth: Record<string, string>, ...messages: string[]) =>
    request(target.app.getHttpServer())
      .post('/li/x1')
      .set(auth)
      .set('Content-Type', 'application/xml')
      .send(x1Request(...messages));
  const lookupRows = async (xid: string) =>
    (await hub.app.get(DataSource).query('SELECT lookup FROM li_task_targets WHERE xid = $1', [xid])) as Array<{
      lookup: Buffer;
    }>;
  const did = randomUUID();

  beforeAll(async () => {
    hub = await startTestHub(testConfig(liEnv()));
    fourEyesHub = await startTestHub(testConfig(liEnv({ LI_FOUR_EYES: 'true' })));
  });
  beforeEach(async () => {
    await hub.reset();
    await hub.app.get(LiAdministrators).ensureBootstrapAdministrators();
    const res = await x1(
      hub,
      lea,
      x1Message('CreateDestinationRequest', destinationDetails(did, 'https://agency.example/x2', 'Agency')),
    );
    expect(x1Answers(res.text)[0].ok).toBe('AcknowledgedAndCompleted');
  });
  afterAll(async () => {
    await fourEyesHub.close();
    await hub.close();
  });

  it('should answer a Keepalive and a Ping with their responses, echoing the transaction id', async () => {
    const res = await x1(hub, lea, x1Message('KeepaliveRequest'), x1Message('PingRequest'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    const answers = x1Answers(res.text);
    expect(answers.map((a) => [a.type, a.ok])).toEqual([
      ['KeepaliveResponse', 'AcknowledgedAndCompleted'],
      ['PingResponse', 'AcknowledgedAndCompleted'],
    ]);
    expect(text(answers[0].element, 'x1TransactionId')).toMatch(/^[0-9a-f-]{36}$/);
    expect(text(answers[0].element, 'neIdentifier')).toBe('hub.test.example');
  });

  it('should activate, read, modify, deactivate a task and keep its index rows in step', async () => {
    const xid = randomUUID();
    const task = { xid, users: ['sip:Alice@A.example;transport=tls'], dids: [did] };
    const activated = await x1(hub, lea, x1Message('ActivateTaskRequest', taskDetails(task)));
    expect(x1Answers(activated.text)[0]).toMatchObject({ type: 'ActivateTaskResponse', ok: 'AcknowledgedAndCompleted' });
    const sealer = hub.app.get(LiSealer);
    const rows = await lookupRows(xid);
    expect(rows.map((r) => r.lookup)).toEqual([sealer.targetLookup({ kind: 'user', uri: 'sip:Alice@a.example' })]);

    const details = x1Answers((await x1(hub, lea, x1Message('GetTaskDetailsRequest', `<xId>${xid}</xId>`))).text)[0];
    expect(details.type).toBe('GetTaskDetailsResponse');
    const taskXml = find(find(details.element, 'taskResponseDetails')!, 'taskDetails')!;
    expect(text(find(kids(taskXml, 'targetIdentifiers')[0], 'targetIdentifier')!, 'userUri')).toBe('sip:Alice@a.example');
    expect(text(taskXml, 'deliveryType')).toBe('X2Only');
    expect(text(taskXml, 'warrantReference')).toBe('W-2026-001');

    const modified = await x1(
      hub,
      lea,
      x1Message('ModifyTaskRequest', taskDetails({ ...task, users: [], domains: ['B.example'], deliveryType: 'X2andX3' })),
    );
    expect(x1Answers(modified.text)[0]).toMatchObject({ type: 'ModifyTaskResponse', ok: 'AcknowledgedAndCompleted' });
    expect((await lookupRows(xid)).map((r) => r.lookup)).toEqual([sealer.targetLookup({ kind: 'domain', domain: 'b.example' })]);

    const deactivated = await x1(hub, lea, x1Message('DeactivateTaskRequest', `<xId>${xid}</xId>`));
    expect(x1Answers(deactivated.text)[0]).toMatchObject({ type: 'DeactivateTaskResponse', ok: 'AcknowledgedAndCompleted' });
    expect(await lookupRows(xid)).toEqual([]);
    const after = x1Answers((await x1(hub, lea, x1Message('GetTaskDetailsRequest', `<xId>${xid}</xId>`))).text)[0];
    expect(text(find(find(after.element, 'taskResponseDetails')!, 'taskStatus')!, 'provisioningStatus')).toBe('deactivated');
  });

  it('should store targets, warrant reference and destination address sealed, never in clear', async () => {
    const xid = randomUUID();
    await x1(hub, lea, x1Message('ActivateTaskRequest', taskDetails({ xid, users: ['xmpp:carol@c.example'], dids: [did] })));
    const [task] = (await hub.app.get(DataSource).query('SELECT sealed FROM li_tasks WHERE xid = $1', [xid])) as Array<{
      sealed: Buffer;
    }>;
    const [destination] = (await hub.app
      .get(DataSource)
      .query('SELECT sealed FROM li_destinations WHERE did = $1', [did])) as Array<{
      sealed: Buffer;
    }>;
    expect(task.sealed.toString('latin1')).not.toMatch(/carol|W-2026/);
    expect(destination.sealed.toString('latin1')).not.toMatch(/agency/);
  });

  it('should answer an error response for an unknown XId, a duplicate XId and an unknown destination', async () => {
    const xid = randomUUID();
    await x1(hub, lea, x1Message('ActivateTaskRequest', taskDetails({ xid, users: ['sip:a@a.example'], dids: [did] })));
    const res = await x1(
      hub,
      lea,
      x1Message('GetTaskDetailsRequest', `<xId>${randomUUID()}</xId>`),
      x1Message('ActivateTaskRequest', taskDetails({ xid, users: ['sip:a@a.example'], dids: [did] })),
      x1Message('ActivateTaskRequest', taskDetails({ xid: randomUUID(), users: ['sip:a@a.example'], dids: [randomUUID()] })),
      x1Message('ActivateTaskRequest', taskDetails({ xid: randomUUID(), users: ['mailto:a@a.example'], dids: [did] })),
    );
    expect(res.status).toBe(200);
    expect(x1Answers(res.text).map((a) => [a.type, a.errorCode])).toEqual([
      ['ErrorResponse', 2001],
      ['ErrorResponse', 3001],
      ['ErrorResponse', 2002],
      ['ErrorResponse', 1000],
    ]);
    expect(x1Answers(res.text)[3].errorDescription).toMatch(/targetIdentifier\/userUri/);
    expect(text(x1Answers(res.text)[1].element, 'requestMessageType')).toBe('ActivateTaskRequest');
  });

  it('should deactivate every task at once, list everything, and manage destinations', async () => {
    const xids = [randomUUID(), randomUUID()];
    for (const xid of xids) {
      await x1(hub, lea, x1Message('ActivateTaskRequest', taskDetails({ xid, domains: ['a.example'], dids: [did] })));
    }
    const inUse = await x1(hub, lea, x1Message('RemoveDestinationRequest', `<dId>${did}</dId>`));
    expect(x1Answers(inUse.text)[0]).toMatchObject({ type: 'ErrorResponse', errorCode: 3000 });
    const all = await x1(hub, lea, x1Message('DeactivateAllTasksRequest'), x1Message('GetAllDetailsRequest'));
    const [deactivatedAll, listing] = x1Answers(all.text);
    expect(deactivatedAll).toMatchObject({ type: 'DeactivateAllTasksResponse', ok: 'AcknowledgedAndCompleted' });
    expect(kids(find(listing.element, 'listOfTaskResponseDetails')!)).toHaveLength(2);
    expect(kids(find(listing.element, 'listOfDestinationResponseDetails')!)).toHaveLength(1);
    expect(await hub.app.get(DataSource).query('SELECT * FROM li_task_targets')).toEqual([]);

    const changed = await x1(
      hub,
      lea,
      x1Message('ModifyDestinationRequest', destinationDetails(did, 'https://agency.example/new')),
      x1Message('GetDestinationDetailsRequest', `<dId>${did}</dId>`),
      x1Message('RemoveDestinationRequest', `<dId>${did}</dId>`),
      x1Message('GetDestinationDetailsRequest', `<dId>${did}</dId>`),
    );
    const answers = x1Answers(changed.text);
    expect(answers.map((a) => a.type)).toEqual([
      'ModifyDestinationResponse',
      'GetDestinationDetailsResponse',
      'RemoveDestinationResponse',
      'GetDestinationDetailsResponse',
    ]);
    const details = find(answers[1].element, 'destinationResponseDetails')!;
    expect(text(find(find(details, 'destinationDetails')!, 'deliveryAddress')!, 'uri')).toBe('https://agency.example/new');
    expect(text(find(find(answers[3].element, 'destinationResponseDetails')!, 'destinationStatus')!, 'removed')).toBe('true');
  });

  it('should refuse a validity window that ends before it starts, naming validUntil', async () => {
    const res = await x1(
      hub,
      lea,
      x1Message(
        'ActivateTaskRequest',
        taskDetails({
          xid: randomUUID(),
          users: ['sip:a@a.example'],
          dids: [did],
          validFrom: '2030-01-02T00:00:00Z',
          validUntil: '2030-01-01T00:00:00Z',
        }),
      ),
    );
    expect(x1Answers(res.text)[0]).toMatchObject({ errorCode: 1000, errorDescription: expect.stringMatching(/validUntil/) });
  });

  it('should audit every LI action in li_audit, readable by an LI administrator', async () => {
    const xid = randomUUID();
    await x1(hub, lea, x1Message('ActivateTaskRequest', taskDetails({ xid, users: ['sip:a@a.example'], dids: [did] })));
    await x1(hub, lea, x1Message('GetTaskDetailsRequest', `<xId>${randomUUID()}</xId>`));
    const res = await request(hub.app.getHttpServer()).get('/li/v1/audit?limit=10').set(max);
    expect(res.status).toBe(200);
    const entries = (res.body as { entries: Array<{ action: string; outcome: string; xid: string | null }> }).entries;
    expect(entries.map((e) => [e.action, e.outcome])).toEqual(
      expect.arrayContaining([
        ['activate-task', 'ok'],
        ['get-task-details', 'not-found'],
        ['create-destination', 'ok'],
      ]),
    );
    expect(entries.find((e) => e.action === 'activate-task')?.xid).toBe(xid);
    // the operators' audit trail knows nothing of it
    const operatorAudit = (await hub.app.get(DataSource).query(`SELECT action FROM audit_log`)) as Array<{ action: string }>;
    expect(operatorAudit.filter((a) => /li|task|destination/i.test(a.action))).toEqual([]);
  });

  describe('with four eyes', () => {
    const fx1 = (auth: Record<string, string>, ...messages: string[]) => x1(fourEyesHub, auth, ...messages);
    const approve = (auth: Record<string, string>, xid: string) =>
      request(fourEyesHub.app.getHttpServer()).post(`/li/v1/tasks/${xid}/approve`).set(auth);

    it('should keep an activated task waiting, without index rows, until another administrator approves it', async () => {
      const xid = randomUUID();
      const res = await fx1(lea, x1Message('ActivateTaskRequest', taskDetails({ xid, users: ['sip:a@a.example'], dids: [did] })));
      expect(x1Answers(res.text)[0]).toMatchObject({ type: 'ActivateTaskResponse', ok: 'Acknowledged' });
      expect(await lookupRows(xid)).toEqual([]);

      const self = await approve(lea, xid);
      expect(self.status).toBe(403);
      expect(self.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await lookupRows(xid)).toEqual([]);

      const approved = await approve(max, xid);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ xid, state: 'active' });
      expect(await lookupRows(xid)).toHaveLength(1);
      expect((await approve(max, xid)).status).toBe(409);
    });

    it('should refuse to widen an approved task without a new approval', async () => {
      const xid = randomUUID();
      await fx1(lea, x1Message('ActivateTaskRequest', taskDetails({ xid, users: ['sip:a@a.example'], dids: [did] })));
      await approve(max, xid);
      const widened = await fx1(
        lea,
        x1Message('ModifyTaskRequest', taskDetails({ xid, users: ['sip:a@a.example', 'sip:b@a.example'], dids: [did] })),
      );
      expect(x1Answers(widened.text)[0]).toMatchObject({ type: 'ErrorResponse', errorCode: 4000 });
      const narrowed = await fx1(
        lea,
        x1Message(
          'ModifyTaskRequest',
          taskDetails({ xid, users: ['sip:a@a.example'], dids: [did], validUntil: '2099-01-01T00:00:00Z' }),
        ),
      );
      expect(x1Answers(narrowed.text)[0]).toMatchObject({ type: 'ModifyTaskResponse', ok: 'AcknowledgedAndCompleted' });
    });
  });
});

import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LiAdministrators } from '@app/li';
import { createActiveMember, operatorAuth, testConfig } from '@app/testing';
import { lea, liEnv, LI_TOKEN_LEA, max, x1Answers, x1Message, x1Request } from './li-fixtures.js';
import { startTestHub, type TestHub } from './test-hub.js';

interface Probe {
  method: 'get' | 'post';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What a caller can observe of an answer, but the request id (and the Date header). */
interface Observed {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

describe('LI routes to anyone but an LI administrator (e2e)', () => {
  let li: TestHub;
  let plain: TestHub;
  let memberAuth: Record<string, string>;

  beforeAll(async () => {
    li = await startTestHub(testConfig(liEnv()));
    // the same hub without LI_SECRET_KEY: there, nothing exists under /li
    plain = await startTestHub(testConfig());
    await li.reset();
    await li.app.get(LiAdministrators).ensureBootstrapAdministrators();
    memberAuth = { Authorization: `Bearer ${(await createActiveMember(li.app)).token}` };
  });
  afterAll(async () => {
    await plain.close();
    await li.close();
  });

  const observe = async (hub: TestHub, probe: Probe): Promise<Observed> => {
    const agent = request(hub.app.getHttpServer());
    const call = (probe.method === 'get' ? agent.get(probe.path) : agent.post(probe.path)).set(probe.headers ?? {});
    const res = await (probe.body !== undefined ? call.send(probe.body) : call);
    const requestId = String(res.headers['x-request-id']);
    const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !['date', 'x-request-id'].includes(name)));
    return { status: res.status, headers, body: res.text.split(requestId).join('<request-id>') };
  };

  const xml = { 'Content-Type': 'application/xml' };
  const keepalive = x1Request(x1Message('KeepaliveRequest'));
  const someXid = randomUUID();
  const probes: Array<[string, () => Probe]> = [
    ['no credentials', () => ({ method: 'post', path: '/li/x1', headers: xml, body: keepalive })],
    ['an operator', () => ({ method: 'post', path: '/li/x1', headers: { ...operatorAuth, ...xml }, body: keepalive })],
    ['a member', () => ({ method: 'post', path: '/li/x1', headers: { ...memberAuth, ...xml }, body: keepalive })],
    [
      'an unknown bearer token',
      () => ({ method: 'post', path: '/li/x1', headers: { Authorization: 'Bearer hubli_nope', ...xml }, body: keepalive }),
    ],
    ['an operator reading the LI audit', () => ({ method: 'get', path: '/li/v1/audit', headers: operatorAuth })],
    [
      'an operator creating an LI administrator',
      () => ({
        method: 'post',
        path: '/li/v1/administrators',
        headers: { ...operatorAuth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'sneaky' }),
      }),
    ],
    ['a member approving a task', () => ({ method: 'post', path: `/li/v1/tasks/${someXid}/approve`, headers: memberAuth })],
    [
      'an operator listing parked matching jobs',
      () => ({ method: 'get', path: '/li/v1/matching/parked', headers: operatorAuth }),
    ],
    [
      'a member retrying a matching job',
      () => ({ method: 'post', path: `/li/v1/matching/parked/outbox-${someXid}/retry`, headers: memberAuth }),
    ],
    [
      'a member disabling an LI administrator',
      () => ({ method: 'post', path: `/li/v1/administrators/${someXid}/disable`, headers: memberAuth }),
    ],
    ['an operator on /li itself, with a query', () => ({ method: 'get', path: '/li?x=1', headers: operatorAuth })],
  ];

  it.each(probes)('should answer %s exactly as an unknown route', async (_who, probe) => {
    const withLi = await observe(li, probe());
    const withoutLi = await observe(plain, probe());
    expect(withLi.status).toBe(404);
    expect(withLi).toEqual(withoutLi);
  });

  it('should answer a probe of /li like any other unknown path (status, headers, body shape)', async () => {
    const probe = await observe(li, { method: 'get', path: '/li/v1/audit', headers: operatorAuth });
    const unknown = await observe(li, { method: 'get', path: '/no/such/rout', headers: operatorAuth });
    expect(probe.status).toBe(unknown.status);
    expect(Object.keys(probe.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
    expect(probe.headers['content-type']).toBe(unknown.headers['content-type']);
    expect(probe.body.split('/li/v1/audit').join('<path>')).toBe(unknown.body.split('/no/such/rout').join('<path>'));
  });

  it('should answer an LI administrator on a path or method that does not exist like an unknown route', async () => {
    for (const probe of [
      { method: 'get', path: '/li/x1', headers: lea },
      { method: 'get', path: '/li/v1/nothing', headers: lea },
    ] as Probe[]) {
      expect(await observe(li, probe)).toEqual(await observe(plain, probe));
    }
  });

  it('should answer an LI administrator with 404 where LI is disabled', async () => {
    const probe: Probe = { method: 'post', path: '/li/x1', headers: { ...lea, ...xml }, body: keepalive };
    expect((await observe(plain, probe)).status).toBe(404);
    expect((await observe(li, probe)).status).toBe(200);
  });

  it('should let an LI administrator create another, whose token then works, and list them', async () => {
    const created = await request(li.app.getHttpServer())
      .post('/li/v1/administrators')
      .set(lea)
      .set('Content-Type', 'application/json')
      .send({ name: `agent-${randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(201);
    const token = (created.body as { token: string }).token;
    expect(token).toMatch(/^hubli_/);
    const res = await request(li.app.getHttpServer())
      .post('/li/x1')
      .set({ Authorization: `Bearer ${token}`, ...xml })
      .send(keepalive);
    expect(x1Answers(res.text)[0].type).toBe('KeepaliveResponse');
    const listed = await request(li.app.getHttpServer()).get('/li/v1/administrators').set(lea);
    expect((listed.body as { administrators: Array<{ name: string }> }).administrators.map((a) => a.name)).toEqual(
      expect.arrayContaining(['lea', 'max']),
    );
    expect(JSON.stringify(listed.body)).not.toContain(LI_TOKEN_LEA);
  });

  it('should let an LI administrator disable one created through the API at once, but not itself or a configured one', async () => {
    const agent = () => request(li.app.getHttpServer());
    const name = `leaver-${randomUUID().slice(0, 8)}`;
    const created = await agent().post('/li/v1/administrators').set(lea).set('Content-Type', 'application/json').send({ name });
    const { administrator, token } = created.body as { administrator: { id: string }; token: string };
    const asLeaver: Probe = {
      method: 'post',
      path: '/li/x1',
      headers: { Authorization: `Bearer ${token}`, ...xml },
      body: keepalive,
    };
    expect((await observe(li, asLeaver)).status).toBe(200);

    const disabled = await agent().post(`/li/v1/administrators/${administrator.id}/disable`).set(lea);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ id: administrator.id, name, disabledAt: expect.any(String) });
    expect(await observe(li, asLeaver)).toEqual(await observe(plain, asLeaver));
    const listed = (await agent().get('/li/v1/administrators').set(lea)).body as {
      administrators: Array<{ id: string; name: string }>;
    };
    expect(listed.administrators.map((a) => a.name)).not.toContain(name);

    const refusals = [
      await agent().post(`/li/v1/administrators/${administrator.id}/disable`).set(lea),
      await agent()
        .post(`/li/v1/administrators/${listed.administrators.find((a) => a.name === 'lea')!.id}/disable`)
        .set(lea),
      await agent()
        .post(`/li/v1/administrators/${listed.administrators.find((a) => a.name === 'max')!.id}/disable`)
        .set(lea),
    ];
    expect(refusals.map((r) => [r.status, r.headers['content-type']])).toEqual([
      [404, expect.stringMatching(/^application\/problem\+json/)],
      [409, expect.stringMatching(/^application\/problem\+json/)],
      [409, expect.stringMatching(/^application\/problem\+json/)],
    ]);
    // lea and max still work
    expect((await observe(li, { ...asLeaver, headers: { ...max, ...xml } })).status).toBe(200);
    const audit = (await agent().get('/li/v1/audit').set(lea)).body as { entries: Array<{ action: string; outcome: string }> };
    expect(audit.entries.filter((e) => e.action === 'disable-administrator').map((e) => e.outcome)).toEqual([
      'conflict',
      'conflict',
      'not-found',
      'ok',
    ]);
  });

  it('should refuse an invalid new administrator with a problem naming the field', async () => {
    const res = await request(li.app.getHttpServer())
      .post('/li/v1/administrators')
      .set(lea)
      .set('Content-Type', 'application/json')
      .send({ name: 'x', certSha256: 'abc' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ invalidParams: [{ name: 'certSha256' }] });
  });

  it('should keep LI out of the public OpenAPI document', async () => {
    const res = await request(li.app.getHttpServer()).get('/docs/openapi.json');
    expect(Object.keys((res.body as { paths: object }).paths).filter((p) => p.startsWith('/li'))).toEqual([]);
  });
});

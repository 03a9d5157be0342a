import request from 'supertest';
import { DataSource } from 'typeorm';
import { createActiveMember, createPendingMember, operatorAuth, testConfig, uniqueDomain } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

describe('member lifecycle (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(() => hub.reset());

  it('should take a member from pending to active to suspended to active to withdrawn', async () => {
    const domain = uniqueDomain();
    const created = await createPendingMember(hub.app, domain);
    expect(created.status).toBe('pending');

    const approved = await http()
      .post(`/admin/v1/members/${domain}/approve`)
      .set(operatorAuth)
      .send({ reason: 'checked' })
      .expect(200);
    expect(approved.body.member.status).toBe('active');
    expect(approved.body.apiKey.token).toMatch(/^hubmk_/);

    const suspended = await http()
      .post(`/admin/v1/members/${domain}/suspend`)
      .set(operatorAuth)
      .send({ reason: 'abuse' })
      .expect(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', statusReason: 'abuse' });

    await http().post(`/admin/v1/members/${domain}/reinstate`).set(operatorAuth).send({}).expect(200);
    const withdrawn = await http().post(`/admin/v1/members/${domain}/withdraw`).set(operatorAuth).send({}).expect(200);
    expect(withdrawn.body.status).toBe('withdrawn');
  });

  it('should answer an invalid transition with 409 and change nothing', async () => {
    const { domain } = await createActiveMember(hub.app);
    const before = await http().get(`/admin/v1/members/${domain}`).set(operatorAuth).expect(200);

    const res = await http().post(`/admin/v1/members/${domain}/reinstate`).set(operatorAuth).send({ reason: 'x' }).expect(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 409, currentStatus: 'active', action: 'reinstate' });

    const after = await http().get(`/admin/v1/members/${domain}`).set(operatorAuth).expect(200);
    expect(after.body).toEqual(before.body);
    const audit = await http()
      .get('/admin/v1/audit')
      .query({ targetId: domain, action: 'member.reinstate' })
      .set(operatorAuth)
      .expect(200);
    expect(audit.body.items).toHaveLength(0);
  });

  it('should keep withdrawn terminal', async () => {
    const { domain } = await createActiveMember(hub.app);
    await http().post(`/admin/v1/members/${domain}/withdraw`).set(operatorAuth).send({}).expect(200);
    for (const action of ['approve', 'suspend', 'reinstate', 'withdraw']) {
      await http().post(`/admin/v1/members/${domain}/${action}`).set(operatorAuth).send({}).expect(409);
    }
    await http().patch(`/admin/v1/members/${domain}`).set(operatorAuth).send({ displayName: 'x' }).expect(409);
  });

  it('should serialise concurrent transitions so exactly one wins', async () => {
    const { domain } = await createPendingMember(hub.app);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => http().post(`/admin/v1/members/${domain}/approve`).set(operatorAuth).send({})),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const keys = await http().get(`/admin/v1/members/${domain}/keys`).set(operatorAuth).expect(200);
    expect(keys.body.items).toHaveLength(1);
  });

  it('should write one outbox event per status change in the same transaction', async () => {
    const { domain } = await createActiveMember(hub.app);
    await http().post(`/admin/v1/members/${domain}/suspend`).set(operatorAuth).send({}).expect(200);
    const rows: Array<{ payload: { from: string | null; to: string } }> = await hub.app
      .get(DataSource)
      .query(`SELECT payload FROM outbox WHERE job_name = 'member-status-changed' AND payload->>'domain' = $1 ORDER BY id`, [
        domain,
      ]);
    expect(rows.map((r) => [r.payload.from, r.payload.to])).toEqual([
      [null, 'pending'],
      ['pending', 'active'],
      ['active', 'suspended'],
    ]);
  });

  it('should audit every lifecycle action with actor, reason and request id', async () => {
    const { domain } = await createActiveMember(hub.app);
    await http()
      .post(`/admin/v1/members/${domain}/suspend`)
      .set(operatorAuth)
      .set('X-Request-Id', 'req-suspend-1')
      .send({ reason: 'late invoices' })
      .expect(200);
    const res = await http().get('/admin/v1/audit').query({ targetId: domain }).set(operatorAuth).expect(200);
    expect(res.body.items.map((a: { action: string }) => a.action)).toEqual([
      'member.suspend',
      'member.key.issued',
      'member.approve',
      'member.created',
    ]);
    expect(res.body.items[0]).toMatchObject({
      actor: { type: 'operator' },
      reason: 'late invoices',
      requestId: 'req-suspend-1',
      target: { type: 'member', id: domain },
      details: { from: 'active', to: 'suspended' },
    });
  });

  it('should update display name, protocols and contacts but not the domain', async () => {
    const { domain } = await createActiveMember(hub.app);
    const res = await http()
      .patch(`/admin/v1/members/${domain}`)
      .set(operatorAuth)
      .send({ displayName: 'Renamed', protocols: ['matrix'], contacts: { abuse: ['mailto:abuse@x.example'] } })
      .expect(200);
    expect(res.body).toMatchObject({
      domain,
      displayName: 'Renamed',
      protocols: ['matrix'],
      contacts: { abuse: ['mailto:abuse@x.example'] },
    });
    await http().patch(`/admin/v1/members/${domain}`).set(operatorAuth).send({ domain: 'other.example.com' }).expect(400);
  });

  it('should find a member by its internationalised name', async () => {
    await createPendingMember(hub.app, 'xn--bcher-kva.example.com');
    const res = await http()
      .get(`/admin/v1/members/${encodeURIComponent('Bücher.example.com')}`)
      .set(operatorAuth)
      .expect(200);
    expect(res.body.domain).toBe('xn--bcher-kva.example.com');
  });

  it('should list members by status with cursor pagination', async () => {
    const domains = ['a1.example.com', 'a2.example.com', 'a3.example.com'];
    for (const d of domains) await createActiveMember(hub.app, d);
    await createPendingMember(hub.app, 'p1.example.com');

    const page1 = await http().get('/admin/v1/members').query({ status: 'active', limit: 2 }).set(operatorAuth).expect(200);
    expect(page1.body.items.map((m: { domain: string }) => m.domain)).toEqual(domains.slice(0, 2));
    const page2 = await http()
      .get('/admin/v1/members')
      .query({ status: 'active', limit: 2, cursor: page1.body.nextCursor })
      .set(operatorAuth)
      .expect(200);
    expect(page2.body.items.map((m: { domain: string }) => m.domain)).toEqual(['a3.example.com']);
    expect(page2.body.nextCursor).toBeNull();
  });
});

import request from 'supertest';
import { createActiveMember, operatorAuth, testConfig } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

describe('audit trail (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(() => hub.reset());

  it('should filter by action, actor type and target and page newest first', async () => {
    const a = await createActiveMember(hub.app);
    const b = await createActiveMember(hub.app);
    await http().post(`/admin/v1/members/${a.domain}/suspend`).set(operatorAuth).send({}).expect(200);

    const approvals = await http().get('/admin/v1/audit').query({ action: 'member.approve' }).set(operatorAuth).expect(200);
    expect(approvals.body.items.map((e: { target: { id: string } }) => e.target.id)).toEqual([b.domain, a.domain]);

    const page1 = await http().get('/admin/v1/audit').query({ actorType: 'operator', limit: 3 }).set(operatorAuth).expect(200);
    expect(page1.body.items).toHaveLength(3);
    const page2 = await http()
      .get('/admin/v1/audit')
      .query({ actorType: 'operator', limit: 3, cursor: page1.body.nextCursor })
      .set(operatorAuth)
      .expect(200);
    const ids = [...page1.body.items, ...page2.body.items].map((e: { id: string }) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should filter by time range', async () => {
    await createActiveMember(hub.app);
    const future = new Date(Date.now() + 60_000).toISOString();
    const res = await http().get('/admin/v1/audit').query({ since: future }).set(operatorAuth).expect(200);
    expect(res.body.items).toEqual([]);
  });

  it('should reject invalid filters with 400 naming the field', async () => {
    const res = await http().get('/admin/v1/audit').query({ since: 'yesterday-ish', limit: 0 }).set(operatorAuth).expect(400);
    expect(res.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual(['limit', 'since']);
    const bad = await http().get('/admin/v1/audit').query({ cursor: 'bogus' }).set(operatorAuth).expect(400);
    expect(bad.body.invalidParams[0].name).toBe('cursor');
  });
});

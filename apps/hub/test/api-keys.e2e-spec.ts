import request from 'supertest';
import { DataSource } from 'typeorm';
import { createActiveMember, createPendingMember, operatorAuth, testConfig } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

describe('member API keys (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(() => hub.reset());

  it('should authenticate an active member with the key issued on approval', async () => {
    const member = await createActiveMember(hub.app);
    const res = await http().get('/v1/members/me').set(bearer(member.token)).expect(200);
    expect(res.body).toMatchObject({ domain: member.domain, status: 'active' });
  });

  it('should store only a hash of the key', async () => {
    const member = await createActiveMember(hub.app);
    const rows: Array<{ token_hash: string }> = await hub.app.get(DataSource).query('SELECT token_hash FROM member_api_keys');
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(member.token);
    const dump = JSON.stringify(await hub.app.get(DataSource).query('SELECT * FROM member_api_keys'));
    expect(dump).not.toContain(member.token.slice(12));
  });

  it('should issue further keys that all work and list them without secrets', async () => {
    const member = await createActiveMember(hub.app);
    const second = await http()
      .post(`/admin/v1/members/${member.domain}/keys`)
      .set(operatorAuth)
      .send({ label: 'edge-2' })
      .expect(201);
    expect(second.body.token).toMatch(/^hubmk_/);
    await http().get('/v1/members/me').set(bearer(second.body.token)).expect(200);
    await http().get('/v1/members/me').set(bearer(member.token)).expect(200);
    const list = await http().get(`/admin/v1/members/${member.domain}/keys`).set(operatorAuth).expect(200);
    expect(list.body.items.map((k: { label: string }) => k.label)).toEqual(['initial', 'edge-2']);
    expect(JSON.stringify(list.body)).not.toContain(second.body.token);
  });

  it('should reject a revoked key at once while other keys keep working', async () => {
    const member = await createActiveMember(hub.app);
    const second = await http().post(`/admin/v1/members/${member.domain}/keys`).set(operatorAuth).send({}).expect(201);
    await http().delete(`/admin/v1/members/${member.domain}/keys/${member.keyId}`).set(operatorAuth).expect(204);
    const res = await http().get('/v1/members/me').set(bearer(member.token)).expect(401);
    expect(res.body.detail).toContain('revoked');
    await http().get('/v1/members/me').set(bearer(second.body.token)).expect(200);
  });

  it('should answer 409 when revoking a key twice and 404 for an unknown key', async () => {
    const member = await createActiveMember(hub.app);
    await http().delete(`/admin/v1/members/${member.domain}/keys/${member.keyId}`).set(operatorAuth).expect(204);
    await http().delete(`/admin/v1/members/${member.domain}/keys/${member.keyId}`).set(operatorAuth).expect(409);
    await http()
      .delete(`/admin/v1/members/${member.domain}/keys/00000000-0000-4000-8000-000000000000`)
      .set(operatorAuth)
      .expect(404);
    await http().delete(`/admin/v1/members/${member.domain}/keys/not-a-uuid`).set(operatorAuth).expect(404);
  });

  it("should not revoke another member's key through the wrong domain", async () => {
    const a = await createActiveMember(hub.app);
    const b = await createActiveMember(hub.app);
    await http().delete(`/admin/v1/members/${b.domain}/keys/${a.keyId}`).set(operatorAuth).expect(404);
    await http().get('/v1/members/me').set(bearer(a.token)).expect(200);
  });

  it('should refuse a suspended member with 403 and accept it again once reinstated', async () => {
    const member = await createActiveMember(hub.app);
    await http().post(`/admin/v1/members/${member.domain}/suspend`).set(operatorAuth).send({}).expect(200);
    const res = await http().get('/v1/members/me').set(bearer(member.token)).expect(403);
    expect(res.body.detail).toContain('suspended');
    await http().post(`/admin/v1/members/${member.domain}/reinstate`).set(operatorAuth).send({}).expect(200);
    await http().get('/v1/members/me').set(bearer(member.token)).expect(200);
  });

  it('should refuse a withdrawn member', async () => {
    const member = await createActiveMember(hub.app);
    await http().post(`/admin/v1/members/${member.domain}/withdraw`).set(operatorAuth).send({}).expect(200);
    await http().get('/v1/members/me').set(bearer(member.token)).expect(403);
  });

  it('should not issue keys to pending or withdrawn members', async () => {
    const pending = await createPendingMember(hub.app);
    await http().post(`/admin/v1/members/${pending.domain}/keys`).set(operatorAuth).send({}).expect(409);
  });

  it('should reject member endpoints without a key or with an operator token', async () => {
    await http().get('/v1/members/me').expect(401);
    await http().get('/v1/members/me').set(operatorAuth).expect(401);
  });
});

import request from 'supertest';
import { createActiveMember, memberDocument, operatorAuth, testConfig, waitFor, type ActiveMember } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

/**
 * Two hub instances on the same PostgreSQL, as behind a load balancer: a change made through one
 * must reach the other's in-process caches (API keys, decisions, provisioning views) within a second.
 */
describe('cache invalidation across hub instances (e2e)', () => {
  let one: TestHub;
  let two: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  const withinASecond = <T>(probe: () => Promise<T | null | false>) => waitFor(probe, 1000, 20);

  beforeAll(async () => {
    const config = testConfig();
    one = await startTestHub(config);
    two = await startTestHub(config);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });
  beforeEach(async () => {
    await one.reset();
    a = await createActiveMember(one.app, 'a.example.com');
    b = await createActiveMember(one.app, 'b.example.org');
  });

  it('should reject a key revoked on one instance on the other within a second', async () => {
    await request(two.app.getHttpServer()).get('/v1/members/me').set(auth(a)).expect(200); // cached on two
    await request(one.app.getHttpServer()).delete(`/admin/v1/members/${a.domain}/keys/${a.keyId}`).set(operatorAuth).expect(204);
    await withinASecond(async () => (await request(two.app.getHttpServer()).get('/v1/members/me').set(auth(a))).status === 401);
  });

  it('should apply a block made on one instance to decisions and views on the other within a second', async () => {
    await request(one.app.getHttpServer()).put('/v1/provisioning').set(auth(b)).send(memberDocument(b.domain)).expect(201);
    const decision = () =>
      request(two.app.getHttpServer()).get('/v1/interconnect/decisions').query({ peer: b.domain, service: 'im' }).set(auth(a));
    const view = () => request(two.app.getHttpServer()).get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a));
    expect((await decision()).body.allowed).toBe(true);
    await view().expect(200);
    await request(one.app.getHttpServer()).post('/v1/interconnect/blocks').set(auth(b)).send({ peer: a.domain }).expect(204);
    // a peer that blocked the caller is answered like a domain that is not a member
    await withinASecond(async () => (await decision()).body.reason === 'target-unknown');
    await withinASecond(async () => (await view()).status === 404);
  });
});

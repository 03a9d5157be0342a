import request from 'supertest';
import { createActiveMember, delegateLogging, operatorAuth, testConfig, type ActiveMember } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

const EXPORT = '/v1/message-log/export?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z';
/** Every member-side message-log read route (POST ingest has its own tests in message-log-ingest). */
const ROUTES = ['/v1/message-log', EXPORT, '/v1/message-log/stats', '/v1/message-log/verify'];

describe('message-log member routes: who may call them (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    await delegateLogging(hub.app, a);
  });
  afterAll(() => hub.close());

  describe.each(ROUTES)('GET %s', (path) => {
    it('should answer 401 problem+json without credentials', async () => {
      const res = await http().get(path).expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('should answer 401 for an operator token (not a member credential)', async () => {
      await http().get(path).set(operatorAuth).expect(401);
    });

    it('should answer 401 for an unknown member key', async () => {
      await http().get(path).set('Authorization', 'Bearer hubmk_not-a-real-key-000000000000000000000').expect(401);
    });

    it('should answer 200 for an active member', async () => {
      await http().get(path).set(auth(a)).expect(200);
    });
  });

  it('should answer 403 on every route once the member is suspended', async () => {
    const suspended = await createActiveMember(hub.app, 's.example.com');
    await http().post(`/admin/v1/members/${suspended.domain}/suspend`).set(operatorAuth).send({}).expect(200);
    for (const path of ROUTES) await http().get(path).set(auth(suspended)).expect(403);
  });

  it('should refuse malformed stats days with 400 naming the field', async () => {
    const res = await http().get('/v1/message-log/stats').query({ from: 'yesterday' }).set(auth(a)).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(res.body)).toContain('from');
  });
});

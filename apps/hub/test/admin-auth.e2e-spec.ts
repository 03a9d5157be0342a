import request from 'supertest';
import { createActiveMember, operatorAuth, testConfig } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

const DOMAIN = 'target.example.com';
const KEY_ID = '00000000-0000-4000-8000-000000000000';
const ROUTES: Array<[method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, write: boolean]> = [
  ['post', '/admin/v1/members', true],
  ['get', '/admin/v1/members', false],
  ['get', `/admin/v1/members/${DOMAIN}`, false],
  ['patch', `/admin/v1/members/${DOMAIN}`, true],
  ['post', `/admin/v1/members/${DOMAIN}/approve`, true],
  ['post', `/admin/v1/members/${DOMAIN}/suspend`, true],
  ['post', `/admin/v1/members/${DOMAIN}/reinstate`, true],
  ['post', `/admin/v1/members/${DOMAIN}/withdraw`, true],
  ['get', `/admin/v1/members/${DOMAIN}/keys`, false],
  ['post', `/admin/v1/members/${DOMAIN}/keys`, true],
  ['delete', `/admin/v1/members/${DOMAIN}/keys/${KEY_ID}`, true],
  ['post', '/admin/v1/operators', true],
  ['get', '/admin/v1/operators', false],
  ['delete', `/admin/v1/operators/${KEY_ID}`, true],
  ['get', '/admin/v1/audit', false],
  ['get', `/admin/v1/message-log?member=${DOMAIN}`, false],
  ['get', '/admin/v1/message-log/export?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', false],
  ['get', '/admin/v1/message-log/stats', false],
  ['get', `/admin/v1/message-log/verify?origin=${DOMAIN}`, false],
  ['get', '/admin/v1/message-log/retention', false],
  ['put', `/admin/v1/message-log/retention/${DOMAIN}`, true],
  ['delete', `/admin/v1/message-log/retention/${DOMAIN}`, true],
  ['get', '/admin/v1/message-log/holds', false],
  ['post', '/admin/v1/message-log/holds', true],
  ['post', `/admin/v1/message-log/holds/${KEY_ID}/release`, true],
  ['get', '/admin/v1/chat/destinations', false],
  ['post', `/admin/v1/chat/destinations/${DOMAIN}/retry`, true],
  ['post', `/admin/v1/chat/destinations/${DOMAIN}/discard`, true],
];

describe('admin API authentication (e2e)', () => {
  let hub: TestHub;
  let memberToken: string;
  let auditorToken: string;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
    await hub.reset();
    memberToken = (await createActiveMember(hub.app)).token;
    const auditor = await http()
      .post('/admin/v1/operators')
      .set(operatorAuth)
      .send({ name: 'audrey', role: 'auditor' })
      .expect(201);
    auditorToken = auditor.body.token;
  });
  afterAll(() => hub.close());

  describe.each(ROUTES)('%s %s', (method, path, write) => {
    it('should answer 401 problem+json without credentials', async () => {
      const res = await http()[method](path).send({});
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['www-authenticate']).toContain('Bearer');
    });

    it('should answer 401 for an unknown token', async () => {
      await http()[method](path).set('Authorization', 'Bearer hubop_not-a-real-token-at-all-000000').send({}).expect(401);
    });

    it('should answer 401 for a malformed Authorization header', async () => {
      await http()[method](path).set('Authorization', 'Basic dXNlcjpwYXNz').send({}).expect(401);
    });

    it('should answer 403 for a member API key', async () => {
      await http()[method](path).set('Authorization', `Bearer ${memberToken}`).send({}).expect(403);
    });

    it(write ? 'should answer 403 for an auditor (read-only)' : 'should let an auditor read', async () => {
      const res = await http()[method](path).set('Authorization', `Bearer ${auditorToken}`).send({});
      if (write) expect(res.status).toBe(403);
      else expect([200, 404]).toContain(res.status);
    });
  });
});

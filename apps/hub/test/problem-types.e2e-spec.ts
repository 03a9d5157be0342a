import request from 'supertest';
import { operatorAuth, testConfig } from '@app/testing';
import { STATUS_BY_KIND } from '../src/common/problem-details.js';
import { PROBLEM_TYPES } from '../src/common/problem-types.js';
import { startTestHub, TestHub } from './test-hub.js';

describe('problem type pages (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());

  it('should have a page for every domain error kind and for the internal error', () => {
    for (const slug of [...Object.keys(STATUS_BY_KIND), 'internal']) expect(PROBLEM_TYPES.has(slug)).toBe(true);
  });

  it('should serve every problem type as an HTML page without credentials', async () => {
    for (const [slug, type] of PROBLEM_TYPES) {
      const page = await http().get(`/problems/${slug}`);
      expect([slug, page.status]).toEqual([slug, 200]);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.text).toContain(`HTTP status ${type.status}`);
    }
  });

  it('should describe a problem type in JSON when asked for JSON', async () => {
    const res = await http().get('/problems/invalid-input').set('Accept', 'application/json').expect(200);
    expect(res.body).toEqual({ slug: 'invalid-input', title: 'Invalid input', status: 400, description: expect.any(String) });
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
  });

  it('should list every problem type', async () => {
    const res = await http().get('/problems').set('Accept', 'application/json').expect(200);
    expect(res.body.items.map((t: { slug: string }) => t.slug)).toEqual([...PROBLEM_TYPES.keys()]);
  });

  it('should answer an unknown problem type with a 404 problem', async () => {
    const res = await http().get('/problems/no-such-problem').expect(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.type).toBe('/problems/not-found');
    expect(res.headers['cache-control']).toBe('no-store'); // the pages' day of caching is not given to an error
  });

  it('should resolve the type of every problem the hub answers with', async () => {
    const problems = [
      await http().get('/no-such-route'),
      await http().get('/v1/members/me'),
      await http().get('/admin/v1/members').set('Authorization', 'Bearer hubop_wrong'),
      await http().post('/admin/v1/members').set(operatorAuth).send({ domain: 'x.example.com' }),
      await http().get('/admin/v1/members/unknown.example.com').set(operatorAuth),
      await http().post('/admin/v1/members').set(operatorAuth).set('Content-Type', 'application/json').send('{"domain":'),
      await http().post('/admin/v1/members').set(operatorAuth).set('Content-Type', 'text/csv').send('a,b'),
      await http().get('/.well-known/pres-im-provisioning').set('Accept', 'image/png'),
    ];
    const statuses = new Set<number>();
    for (const problem of problems) {
      expect(problem.headers['content-type']).toContain('application/problem+json');
      const page = await http().get(problem.body.type as string);
      expect([problem.body.type, page.status]).toEqual([problem.body.type, 200]);
      statuses.add(problem.status);
    }
    expect([...statuses].sort()).toEqual([400, 401, 404, 406, 415]);
  });
});

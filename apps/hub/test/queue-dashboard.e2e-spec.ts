import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { OPERATOR_QUEUES, QueueName } from '@app/queue';
import { createActiveMember, operatorAuth, TEST_OPERATOR_TOKEN } from '@app/testing';
import { type QueueBackendName, type QueueBench, startQueueBench } from './queue-fixtures.js';

const QUEUE = QueueName.ChangeNotifications;
const BACKENDS: QueueBackendName[] = ['redis', 'postgresql'];
/** A browser on the hub's own pages: the Host it talks to and the Origin its requests carry. */
const SAME_ORIGIN = { Host: 'hub.test.example', Origin: 'http://hub.test.example' };

describe.each(BACKENDS)('queue dashboard on the %s backend (e2e)', (backend) => {
  let bench: QueueBench;
  const http = () => request(bench.hub.app.getHttpServer());
  const auditor = () => ({ Authorization: `Bearer ${bench.auditorToken}` });
  const queue = () => bench.hub.app.get<Queue>(getQueueToken(QUEUE), { strict: false });

  /** Signs in through the form; returns the Cookie header value the browser would send. */
  const signIn = async (token: string) => {
    const res = await http()
      .post('/admin/sign-in')
      .set(SAME_ORIGIN)
      .type('form')
      .send({ token, next: '/admin/queues/' })
      .expect(303);
    expect(res.headers.location).toBe('/admin/queues/');
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^hub_operator_session=hubos_[\w-]+; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    return cookie.split(';')[0];
  };

  beforeAll(async () => {
    bench = await startQueueBench(backend);
  });
  afterAll(() => bench?.close());

  it('should refuse callers without credentials: 401 problem+json, a browser page is sent to the sign-in form', async () => {
    for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/read-only/api/queues']) {
      const res = await http().get(path).expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const page = await http().get('/admin/queues/').set('Accept', 'text/html').expect(303);
    expect(page.headers.location).toBe('/admin/sign-in?next=%2Fadmin%2Fqueues%2F');
    await http().get('/admin/queues/').set('Authorization', 'Bearer hubop_not-a-real-token-at-all-000000').expect(401);
    await http().get('/admin/queues/api/queues').set('Cookie', 'hub_operator_session=hubos_forged').expect(401);
    await http().put(`/admin/queues/api/queues/${QUEUE}/pause`).expect(401);
  });

  it('should refuse a member API key with 403', async () => {
    const member = await createActiveMember(bench.hub.app);
    for (const path of ['/admin/queues/', '/admin/queues/api/queues', '/admin/queues/read-only/api/queues']) {
      await http()
        .get(path)
        .set({ Authorization: `Bearer ${member.token}` })
        .expect(403);
    }
  });

  it("should show an admin the catalogue's operator queues, changeable", async () => {
    const page = await http().get('/admin/queues/').set(operatorAuth).expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('Hub queues');
    const api = await http().get('/admin/queues/api/queues').set(operatorAuth).expect(200);
    const queues = api.body.queues as Array<{ name: string; readOnlyMode: boolean; description: string }>;
    expect(queues.map((q) => q.name).sort()).toEqual([...OPERATOR_QUEUES].sort());
    expect(queues.every((q) => !q.readOnlyMode)).toBe(true);
    expect(queues[0].description).toMatch(backend === 'redis' ? /BullMQ on Redis/ : /BullMQ on PostgreSQL/);
    await http().get('/admin/queues/static/images/logo.svg').set(operatorAuth).expect(200);
    const stats = await http().get('/admin/queues/api/redis/stats').set(operatorAuth).expect(200);
    expect(stats.body).toMatchObject({ backend: backend === 'redis' ? 'redis' : expect.any(String) });
  });

  it('should give an auditor the read-only board and refuse every change server-side', async () => {
    const jobId = await bench.parkedDelivery();
    const page = await http().get('/admin/queues/').set(auditor()).set('Accept', 'text/html').expect(303);
    expect(page.headers.location).toBe('/admin/queues/read-only/');
    await http().get('/admin/queues/read-only/').set(auditor()).expect(200);
    const api = await http().get('/admin/queues/read-only/api/queues').set(auditor()).expect(200);
    expect((api.body.queues as Array<{ readOnlyMode: boolean }>).every((q) => q.readOnlyMode)).toBe(true);
    await http().get('/admin/queues/api/queues').set(auditor()).expect(403);

    for (const board of ['/admin/queues', '/admin/queues/read-only']) {
      const res = await http().put(`${board}/api/queues/${QUEUE}/${jobId}/retry`).set(auditor()).expect(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      await http().put(`${board}/api/queues/${QUEUE}/retry/failed`).set(auditor()).expect(403);
    }
    // also signed in through the form, as a browser would be
    const cookie = await signIn(bench.auditorToken);
    await http().get('/admin/queues/read-only/api/queues').set('Cookie', cookie).expect(200);
    await http()
      .put(`/admin/queues/read-only/api/queues/${QUEUE}/${jobId}/retry`)
      .set('Cookie', cookie)
      .set(SAME_ORIGIN)
      .expect(403);
    expect(await queue().getJobState(jobId)).toBe('failed');
  });

  it('should let an admin signed in by cookie retry a failed job from the dashboard, audited, and sign out', async () => {
    const jobId = await bench.parkedDelivery();
    const cookie = await signIn(TEST_OPERATOR_TOKEN);
    const signedIn = await http().get('/admin/sign-in').set('Cookie', cookie).expect(200);
    expect(signedIn.text).toContain('bootstrap');
    // a request another site makes the browser send carries the cookie but not the hub's Origin
    await http()
      .put(`/admin/queues/api/queues/${QUEUE}/${jobId}/retry`)
      .set('Cookie', cookie)
      .set({ Host: 'hub.test.example', Origin: 'https://evil.example' })
      .expect(403);
    // adding a hand-made job is not a dashboard action
    await http()
      .post(`/admin/queues/api/queues/${QUEUE}/add`)
      .set('Cookie', cookie)
      .set(SAME_ORIGIN)
      .send({ name: 'x', data: {} })
      .expect(403);
    bench.refusing.value = false;
    await http().put(`/admin/queues/api/queues/${QUEUE}/${jobId}/retry`).set('Cookie', cookie).set(SAME_ORIGIN).expect(204);
    expect(await queue().getJobState(jobId)).not.toBe('failed');
    const audit = await http().get('/admin/v1/audit?action=queue-dashboard.change').set(operatorAuth).expect(200);
    expect(audit.body.items[0]).toMatchObject({
      actor: { type: 'operator' },
      target: { type: 'queue', id: QUEUE },
      details: { method: 'PUT', route: '/api/queues/:queueName/:jobId/retry', params: { queueName: QUEUE, jobId } },
    });

    const out = await http().post('/admin/sign-out').set('Cookie', cookie).set(SAME_ORIGIN).expect(303);
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^hub_operator_session=; .*Max-Age=0/);
    await http().get('/admin/queues/api/queues').set('Cookie', cookie).expect(401);
  });

  it('should refuse a wrong token at the sign-in form without setting a cookie', async () => {
    const form = await http().get('/admin/sign-in?next=https://evil.example/').expect(200);
    expect(form.text).toContain('value="/console"');
    const res = await http()
      .post('/admin/sign-in')
      .set(SAME_ORIGIN)
      .type('form')
      .send({ token: 'hubop_wrong-token-0000000000000000' })
      .expect(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('Unknown or disabled operator token');
    await http()
      .post('/admin/sign-in')
      .set({ Host: 'hub.test.example', Origin: 'https://evil.example' })
      .type('form')
      .send({ token: TEST_OPERATOR_TOKEN })
      .expect(403);
  });
});

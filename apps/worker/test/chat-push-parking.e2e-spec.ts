import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ChatDeliveryBody } from '@app/chat';
import {
  createActiveMember,
  inviteAndJoin,
  memberAuth as auth,
  operatorAuth,
  publishMemberDocument,
  startWebhookReceiver,
  testConfig,
  waitFor,
  type ActiveMember,
  type WebhookReceiver,
} from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

const MAX_ATTEMPTS = 3;

interface Destination {
  network: string;
  mode: string;
  gateway: string | null;
  pending: number;
  attempts: number;
  parkedAt: string | null;
  lastError: string | null;
}

describe('parked chat gateways and what operators do about them (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  let a: ActiveMember;
  let b: ActiveMember;
  let receiver: WebhookReceiver;
  /** the status b's gateway answers with */
  let answer: number;
  let took: ChatDeliveryBody[];
  let roomId: string;
  const alice = 'xmpp:alice@a.example.com';
  const bob = 'sip:bob@b.example.org';
  const http = () => request(hub.app.getHttpServer());
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const post = (body: string) =>
    http()
      .post(`/v1/chat/rooms/${roomId}/messages`)
      .set(auth(a))
      .send({ from: alice, clientId: randomBytes(6).toString('hex'), body })
      .expect(201);
  const destinationOf = async (network: string): Promise<Destination | undefined> => {
    const res = await http().get('/admin/v1/chat/destinations').set(operatorAuth).expect(200);
    return (res.body.items as Destination[]).find((d) => d.network === network);
  };
  const parked = () => waitFor(async () => ((await destinationOf(b.domain))?.parkedAt ? destinationOf(b.domain) : null));
  const bodies = () => took.filter((d) => d.event.kind === 'message').map((d) => d.event.content.body);

  beforeAll(async () => {
    receiver = await startWebhookReceiver((r) => {
      if (answer === 204) took.push(r.json as ChatDeliveryBody);
      return answer;
    });
    const config = testConfig({
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      HUB_SECRET_KEY: randomBytes(32).toString('hex'),
      CHAT_PUSH_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      CHAT_PUSH_RETRY_BASE_MS: '20',
      CHAT_PUSH_RETRY_MAX_MS: '50',
      CHAT_PUSH_SCAN_INTERVAL_MS: '50',
    });
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await receiver?.close();
  });
  beforeEach(async () => {
    await hub.reset();
    answer = 204;
    took = [];
    receiver.requests.splice(0);
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await publishMemberDocument(hub.app, a, { delegate: ['n-way-chat'] });
    await publishMemberDocument(hub.app, b, { chatDelivery: `${receiver.url}/events?token=s3cret` });
    roomId = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body.id;
    await inviteAndJoin(hub.app, roomId, { member: a, user: alice }, { member: b, user: bob });
    await waitFor(async () => ((await destinationOf(b.domain))?.pending === 0 ? true : null));
  });

  it('should park a gateway after the retry budget, send nothing more, and push everything in order when an admin retries', async () => {
    answer = 503;
    await post('one');
    await post('two');
    const state = await parked();
    expect(state).toMatchObject({
      mode: 'push',
      gateway: `${receiver.url}/events`,
      pending: 2,
      attempts: MAX_ATTEMPTS,
      lastError: expect.stringContaining('answered 503'),
    });
    expect(state?.lastError).not.toContain('s3cret');
    const tried = receiver.requests.length;
    await post('three');
    await pause(300);
    expect(receiver.requests.length).toBe(tried);

    answer = 204;
    await http().post(`/admin/v1/chat/destinations/${b.domain}/retry`).set(operatorAuth).expect(204);
    await waitFor(async () => bodies().length === 3 || null);
    expect(bodies()).toEqual(['one', 'two', 'three']);
    expect(await destinationOf(b.domain)).toMatchObject({ pending: 0, attempts: 0, parkedAt: null, lastError: null });
    const audit = await http().get('/admin/v1/audit').query({ action: 'chat.destination.retried' }).set(operatorAuth).expect(200);
    expect(audit.body.items).toEqual([expect.objectContaining({ target: { type: 'member', id: b.domain } })]);
  });

  it('should park at once a gateway that refuses a delivery for good (4xx)', async () => {
    answer = 400;
    await post('refused');
    expect(await parked()).toMatchObject({ attempts: 1, pending: 1, lastError: expect.stringContaining('answered 400') });
    expect(receiver.requests.filter((r) => (r.json as ChatDeliveryBody).event.kind === 'message')).toHaveLength(1);
  });

  it('should discard what a parked gateway has pending, and push what comes after', async () => {
    answer = 503;
    await post('lost-1');
    await post('lost-2');
    await parked();
    answer = 204;
    const res = await http().post(`/admin/v1/chat/destinations/${b.domain}/discard`).set(operatorAuth).expect(200);
    expect(res.body).toEqual({ discarded: 2 });
    await post('after');
    await waitFor(async () => bodies().length === 1 || null);
    expect(bodies()).toEqual(['after']);
    // a batch is settled while the next goes out: the outcome is written just after the gateway's answer
    const outcomes = async () =>
      (
        (await hub.app
          .get(DataSource)
          .query(`SELECT array_agg(outcome ORDER BY id) AS outcomes FROM chat_deliveries WHERE network = $1 AND seq > 3`, [
            b.domain,
          ])) as Array<{ outcomes: string[] }>
      )[0].outcomes;
    await waitFor(async () => (await outcomes()).at(-1) === 'pushed' || null);
    expect(await outcomes()).toEqual(['discarded', 'discarded', 'pushed']);
  });

  it('should answer 409 for a gateway that is not parked, 404 for a network never pushed to, 400 for a malformed one', async () => {
    await http().post(`/admin/v1/chat/destinations/${b.domain}/retry`).set(operatorAuth).expect(409);
    await http().post(`/admin/v1/chat/destinations/${b.domain}/discard`).set(operatorAuth).expect(409);
    await http().post('/admin/v1/chat/destinations/nowhere.example/retry').set(operatorAuth).expect(404);
    const bad = await http().post('/admin/v1/chat/destinations/not_a%00domain/retry').set(operatorAuth).expect(400);
    expect(bad.body.invalidParams).toEqual([expect.objectContaining({ name: 'network' })]);
  });

  it('should list a network without a gateway as pulling', async () => {
    await publishMemberDocument(hub.app, b);
    await post('for the puller');
    expect(await destinationOf(b.domain)).toMatchObject({ mode: 'pull', gateway: null, pending: 1 });
  });
});

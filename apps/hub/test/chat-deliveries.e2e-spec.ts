import request from 'supertest';
import {
  acceptedAgreement,
  createActiveMember,
  inviteAndJoin,
  memberAuth as auth,
  operatorAuth,
  publishMemberDocument,
  testConfig,
  type ActiveMember,
} from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

interface Delivery {
  id: number;
  roomId: string;
  recipients: string[];
  event: { seq: number; kind: string; actor: string | null; user: string | null; content: { body?: string } };
}

describe('pulling the events of hub-hosted rooms (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  let c: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const alice = 'xmpp:alice@a.example.com';
  const bob = 'sip:bob@b.example.org';
  const carol = 'matrix:u/carol:c.example.net';

  const pull = async (m: ActiveMember, query: Record<string, number> = {}) =>
    (await http().get('/v1/chat/deliveries').query(query).set(auth(m)).expect(200)).body as { items: Delivery[]; next: number };
  const brief = (items: Delivery[]) => items.map((d) => [d.event.kind, d.event.user ?? d.event.content.body, d.recipients]);
  const bringIn = (roomId: string, m: ActiveMember, user: string) =>
    inviteAndJoin(hub.app, roomId, { member: a, user: alice }, { member: m, user });
  const say = (m: ActiveMember, roomId: string, from: string, body: string) =>
    http()
      .post(`/v1/chat/rooms/${roomId}/messages`)
      .set(auth(m))
      .send({ from, clientId: body.replaceAll(' ', '-'), body })
      .expect(201);

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    c = await createActiveMember(hub.app, 'c.example.net');
    for (const m of [a, b, c]) await publishMemberDocument(hub.app, m, { delegate: m === a ? ['n-way-chat'] : [] });
  });

  it('should give each network, in order, the events for its users, never its own user’s own action', async () => {
    const room = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body;
    await bringIn(room.id, b, bob);
    await say(a, room.id, alice, 'hello bob');
    await say(b, room.id, bob, 'hi alice');

    expect(brief((await pull(b)).items)).toEqual([
      ['invited', bob, [bob]],
      ['message', 'hello bob', [bob]],
    ]);
    expect(brief((await pull(a)).items)).toEqual([
      ['joined', bob, [alice]],
      ['message', 'hi alice', [alice]],
    ]);
    expect((await pull(c)).items).toEqual([]);
  });

  it('should read again what is not acknowledged, and nothing that is', async () => {
    const room = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body;
    await bringIn(room.id, b, bob);
    await say(a, room.id, alice, 'one');
    const first = await pull(b, { limit: 1 });
    expect(brief(first.items)).toEqual([['invited', bob, [bob]]]);
    expect(brief((await pull(b, { after: first.next })).items)).toEqual([['message', 'one', [bob]]]);
    // nothing acknowledged yet: a pull from the start reads both again
    expect((await pull(b)).items).toHaveLength(2);
    // another network cannot acknowledge b's deliveries
    await http().post('/v1/chat/deliveries/ack').set(auth(c)).send({ upTo: first.next }).expect(200, { acknowledged: 0 });
    await http().post('/v1/chat/deliveries/ack').set(auth(b)).send({ upTo: first.next }).expect(200, { acknowledged: 1 });
    expect(brief((await pull(b)).items)).toEqual([['message', 'one', [bob]]]);
  });

  it('should wake a waiting pull as soon as an event for the network commits', async () => {
    const room = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body;
    await bringIn(room.id, b, bob);
    const drained = await pull(b);
    const started = Date.now();
    const waiting = http().get('/v1/chat/deliveries').query({ after: drained.next, wait: 20 }).set(auth(b));
    await new Promise((r) => setTimeout(r, 300));
    await say(a, room.id, alice, 'wake up');
    const res = await waiting.expect(200);
    expect(brief(res.body.items)).toEqual([['message', 'wake up', [bob]]]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('should give a removed network its removal and nothing posted after it', async () => {
    await http().put('/admin/v1/federation/mode').set(operatorAuth).send({ mode: 'agreement' }).expect(200);
    const agree = (x: ActiveMember, y: ActiveMember) => acceptedAgreement(hub.app, x, y);
    await agree(a, b);
    await agree(a, c);
    const bc = await agree(b, c);
    const room = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body;
    await bringIn(room.id, b, bob);
    await bringIn(room.id, c, carol);
    await http().post(`/v1/interconnect/agreements/${bc}/revoke`).set(auth(b)).expect(200);
    await say(a, room.id, alice, 'after the revocation');

    const seen = brief((await pull(c)).items);
    expect(seen.at(-1)).toEqual(['removed', carol, [carol]]);
    expect(seen.map((s) => s[1])).not.toContain('after the revocation');
    expect(brief((await pull(b)).items).at(-1)).toEqual(['message', 'after the revocation', [bob]]);
  });

  it('should not show an invitation of a user whose network has since hidden from the reader', async () => {
    const room = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body;
    await bringIn(room.id, b, bob);
    await http().post(`/v1/chat/rooms/${room.id}/invitations`).set(auth(a)).send({ by: alice, user: carol }).expect(200);
    expect(brief((await pull(b)).items).at(-1)).toEqual(['invited', carol, [bob]]);
    await publishMemberDocument(hub.app, c, { deny: [b.domain] });
    const after = await pull(b);
    expect(brief(after.items).map((x) => x[1])).not.toContain(carol);
    // the cursor still moves past it
    expect(after.next).toBeGreaterThan(0);
    expect((await pull(b, { after: after.next })).items).toEqual([]);
  });

  it('should refuse callers without a member key and bad cursors', async () => {
    await http().get('/v1/chat/deliveries').expect(401);
    await http().post('/v1/chat/deliveries/ack').send({ upTo: 1 }).expect(401);
    const bad = await http().get('/v1/chat/deliveries').query({ after: 'x', wait: 99 }).set(auth(a)).expect(400);
    expect(bad.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual(['after', 'wait']);
  });
});

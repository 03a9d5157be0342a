import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  createActiveMember,
  inviteAndJoin,
  memberAuth as auth,
  operatorAuth,
  publishMemberDocument,
  testConfig,
  waitFor,
  type ActiveMember,
} from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

describe('messages in hub-hosted rooms (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  let a: ActiveMember;
  let b: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const alice = 'xmpp:alice@a.example.com';
  const bob = 'sip:bob@b.example.org';
  const bea = 'sip:bea@b.example.org';

  const createRoom = async (historyVisibility = 'shared') =>
    (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice, historyVisibility }).expect(201)).body as {
      id: string;
      uri: string;
    };
  const bringIn = (roomId: string, user: string) =>
    inviteAndJoin(hub.app, roomId, { member: a, user: alice }, { member: b, user });
  const post = (m: ActiveMember, roomId: string, body: object) =>
    http().post(`/v1/chat/rooms/${roomId}/messages`).set(auth(m)).send(body);

  beforeAll(async () => {
    const config = testConfig();
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
  });
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await publishMemberDocument(hub.app, a, { delegate: ['n-way-chat'] });
    await publishMemberDocument(hub.app, b);
  });

  it('should number a message after the room’s events and log it in the central message log', async () => {
    const room = await createRoom();
    await bringIn(room.id, bob);
    const res = await post(b, room.id, { from: bob, clientId: 'c-1', body: 'hello room' }).expect(201);
    expect(res.body).toEqual({ roomId: room.id, seq: 4, clientId: 'c-1', createdAt: expect.any(String) });

    const logged = await waitFor(async () => {
      const search = await http().get('/admin/v1/message-log').query({ room: room.uri }).set(operatorAuth).expect(200);
      return search.body.items.length ? search.body.items : null;
    });
    expect(logged).toEqual([
      expect.objectContaining({
        origin: hub.config.hub.domain,
        sender: bob,
        room: room.uri,
        body: 'hello room',
        contentType: 'text/plain',
      }),
    ]);
    // every room event's job (message or not) leaves its receipt, which is what settles its outbox row
    await waitFor(async () => {
      const [{ open }]: Array<{ open: number }> = await hub.app.get(DataSource).query(
        `SELECT count(*)::int AS open FROM outbox o
          WHERE o.job_name = 'chat-event-committed'
            AND NOT EXISTS (SELECT 1 FROM job_receipts r WHERE r.job_id = 'outbox-' || o.job_key::text)`,
      );
      return open === 0;
    });
  });

  it('should answer a repeated client id with the same answer and store the message once', async () => {
    const room = await createRoom();
    await bringIn(room.id, bob);
    const first = await post(b, room.id, { from: bob, clientId: 'c-1', body: 'once' }).expect(201);
    const again = await post(b, room.id, { from: bob, clientId: 'c-1', body: 'once' }).expect(201);
    expect(again.body).toEqual(first.body);
    const other = await post(b, room.id, { from: bob, clientId: 'c-1', body: 'something else' }).expect(409);
    expect(other.headers['content-type']).toContain('application/problem+json');
    // the same client id from another network is another message
    await post(a, room.id, { from: alice, clientId: 'c-1', body: 'once' }).expect(201);
    const events = await http().get(`/v1/chat/rooms/${room.id}/events`).query({ user: bob }).set(auth(b)).expect(200);
    expect(events.body.items.filter((e: { kind: string }) => e.kind === 'message')).toHaveLength(2);
  });

  it('should refuse a sender who has not joined, and a body over the size limit, naming the field', async () => {
    const room = await createRoom();
    await http().post(`/v1/chat/rooms/${room.id}/invitations`).set(auth(a)).send({ by: alice, user: bob }).expect(200);
    await post(b, room.id, { from: bob, clientId: 'c-1', body: 'too early' }).expect(403);
    const big = await post(a, room.id, { from: alice, clientId: 'c-2', body: 'x'.repeat(64 * 1024 + 1) }).expect(400);
    expect(big.body.invalidParams[0].name).toBe('body');
    const unicode = await post(a, room.id, { from: alice, clientId: 'c-3', body: 'é'.repeat(40 * 1024) }).expect(400);
    expect(unicode.body.invalidParams[0].name).toBe('body');
    const badId = await post(a, room.id, { from: alice, clientId: 'has space', body: 'x' }).expect(400);
    expect(badId.body.invalidParams[0].name).toBe('clientId');
    await post(b, room.id, { from: alice, clientId: 'c-4', body: 'forged' }).expect(400);
    // a sender of a network hidden from the caller is refused exactly like one of no member network
    const c = await createActiveMember(hub.app, 'c.example.net');
    await publishMemberDocument(hub.app, c, { deny: [a.domain] });
    const hidden = await post(a, room.id, { from: 'sip:x@c.example.net', clientId: 'c-5', body: 'x' }).expect(400);
    const unknown = await post(a, room.id, { from: 'sip:x@nobody.example.info', clientId: 'c-5', body: 'x' }).expect(400);
    expect(hidden.body.invalidParams).toEqual(
      unknown.body.invalidParams.map((p: { name: string; reason: string }) => ({
        ...p,
        reason: p.reason.replace('nobody.example.info', 'c.example.net'),
      })),
    );
  });

  it('should answer a network with nobody in the room as for no room, and callers without a member key with 401', async () => {
    const room = await createRoom();
    const outsider = await createActiveMember(hub.app, 'c.example.net');
    const carol = 'matrix:u/carol:c.example.net';
    const asOutsider = await post(outsider, room.id, { from: carol, clientId: 'c-1', body: 'let me in' }).expect(404);
    const missing = await post(outsider, 'aaaaaaaaaaaaaaaaaaaa', { from: carol, clientId: 'c-1', body: 'x' }).expect(404);
    expect(asOutsider.body.detail.replace(room.id, 'ID')).toBe(missing.body.detail.replace('aaaaaaaaaaaaaaaaaaaa', 'ID'));
    await http().get(`/v1/chat/rooms/${room.id}/events`).query({ user: carol }).set(auth(outsider)).expect(404);
    await http().post(`/v1/chat/rooms/${room.id}/messages`).send({ from: alice, clientId: 'c-2', body: 'x' }).expect(401);
    await http().get(`/v1/chat/rooms/${room.id}/events`).query({ user: alice }).set(operatorAuth).expect(401);
    // reading as a user who is not in the room, or a cursor that is not a whole number
    await http().get(`/v1/chat/rooms/${room.id}/events`).query({ user: 'xmpp:zed@a.example.com' }).set(auth(a)).expect(403);
    const bad = await http()
      .get(`/v1/chat/rooms/${room.id}/events`)
      .query({ user: alice, afterSeq: '1e400' })
      .set(auth(a))
      .expect(400);
    expect(bad.body.invalidParams[0].name).toBe('afterSeq');
  });

  it('should show a user the history its room’s visibility allows', async () => {
    const shared = await createRoom('shared');
    const joined = await createRoom('joined');
    for (const room of [shared, joined]) {
      await bringIn(room.id, bob);
      await post(a, room.id, { from: alice, clientId: 'before', body: 'before bea' }).expect(201);
      await bringIn(room.id, bea);
      await post(a, room.id, { from: alice, clientId: 'after', body: 'after bea' }).expect(201);
    }
    const read = async (roomId: string) =>
      (await http().get(`/v1/chat/rooms/${roomId}/events`).query({ user: bea }).set(auth(b)).expect(200)).body.items
        .filter((e: { kind: string }) => e.kind === 'message')
        .map((e: { content: { body: string } }) => e.content.body);
    expect(await read(shared.id)).toEqual(['before bea', 'after bea']);
    expect(await read(joined.id)).toEqual(['after bea']);
    // paging by number
    const page = await http().get(`/v1/chat/rooms/${shared.id}/events`).query({ user: bea, afterSeq: 5, limit: 1 }).set(auth(b));
    expect(page.body.items.map((e: { seq: number }) => e.seq)).toEqual([6]);
    expect(page.body.next).toBe(6);
  });
});

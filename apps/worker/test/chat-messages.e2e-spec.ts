import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createActiveMember, memberDocument, operatorAuth, testConfig, waitFor, type ActiveMember } from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });

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
  const bringIn = async (roomId: string, user: string) => {
    await http().post(`/v1/chat/rooms/${roomId}/invitations`).set(auth(a)).send({ by: alice, user }).expect(200);
    await http().post(`/v1/chat/rooms/${roomId}/join`).set(auth(b)).send({ user }).expect(200);
  };
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
    for (const [m, delegate] of [
      [a, ['n-way-chat']],
      [b, []],
    ] as const) {
      await http()
        .put('/v1/provisioning')
        .set(auth(m))
        .send(memberDocument(m.domain, { delegate: [...delegate] }))
        .expect(201);
    }
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
  });
});

import request from 'supertest';
import {
  acceptedAgreement,
  createActiveMember,
  inviteAndJoin,
  memberAuth as auth,
  memberDocument,
  operatorAuth,
  publishMemberDocument,
  testConfig,
  type ActiveMember,
} from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

describe('hub-hosted chat rooms (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  let c: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const alice = 'xmpp:alice@a.example.com';
  const bob = 'sip:bob@b.example.org';
  const carol = 'matrix:u/carol:c.example.net';

  const publish = (m: ActiveMember, delegate: string[] = []) => publishMemberDocument(hub.app, m, { delegate });
  const agree = (x: ActiveMember, y: ActiveMember) => acceptedAgreement(hub.app, x, y);
  const createRoom = async () =>
    (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice, subject: 'Planning' }).expect(201)).body as {
      id: string;
      uri: string;
    };
  const step = (m: ActiveMember, roomId: string, action: string, body: object) =>
    http().post(`/v1/chat/rooms/${roomId}/${action}`).set(auth(m)).send(body);
  /** Invites `user` of network `m` (as alice) and lets `m` join it. */
  const bringIn = (roomId: string, m: ActiveMember, user: string) =>
    inviteAndJoin(hub.app, roomId, { member: a, user: alice }, { member: m, user });
  const stateOf = (room: { participants: Array<{ user: string; state: string }> }) =>
    Object.fromEntries(room.participants.map((p) => [p.user, p.state]));

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    c = await createActiveMember(hub.app, 'c.example.net');
    await publish(a, ['n-way-chat']);
    await publish(b);
    await publish(c);
  });

  describe('creating a room', () => {
    it('should give a room URI on the hub’s domain with its owner joined', async () => {
      const res = await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: 'xmpp:Alice@A.example.com/phone' }).expect(201);
      expect(res.body.uri).toBe(`xmpp:${res.body.id}@${hub.config.hub.domain}`);
      expect(res.body).toMatchObject({ historyVisibility: 'shared', subject: null, lastSeq: 1 });
      expect(res.body.participants).toEqual([
        {
          user: 'xmpp:Alice@a.example.com',
          network: 'a.example.com',
          role: 'owner',
          state: 'joined',
          joinedAt: expect.any(String),
        },
      ]);
    });

    it('should refuse a network that does not delegate n-way-chat to the hub', async () => {
      const res = await http().post('/v1/chat/rooms').set(auth(b)).send({ owner: bob }).expect(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('should refuse an owner who is not a user of the calling network, naming the field', async () => {
      const res = await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: bob }).expect(400);
      expect(res.body.invalidParams).toEqual([{ name: 'owner', reason: 'must be a user of a.example.com' }]);
      const hubUser = await http()
        .post('/v1/chat/rooms')
        .set(auth(a))
        .send({ owner: `sip:x@${hub.config.hub.domain}` })
        .expect(400);
      expect(hubUser.body.invalidParams[0].name).toBe('owner');
    });

    it('should refuse callers without a member key', async () => {
      await http().post('/v1/chat/rooms').send({ owner: alice }).expect(401);
      await http().post('/v1/chat/rooms').set(operatorAuth).send({ owner: alice }).expect(401);
      await http().get('/v1/chat/rooms').expect(401);
    });
  });

  describe('membership', () => {
    it('should let an invited user of another network join, and show the room to both networks only', async () => {
      const room = await createRoom();
      const joined = await bringIn(room.id, b, bob);
      expect(stateOf(joined.body)).toEqual({ [alice]: 'joined', [bob]: 'joined' });
      expect((await http().get(`/v1/chat/rooms/${room.id}`).set(auth(b)).expect(200)).body.id).toBe(room.id);
      expect((await http().get('/v1/chat/rooms').set(auth(b)).expect(200)).body.items.map((r: { id: string }) => r.id)).toEqual([
        room.id,
      ]);
      // a network with nobody in the room gets the answer for a room that does not exist
      const outsider = await http().get(`/v1/chat/rooms/${room.id}`).set(auth(c)).expect(404);
      const missing = await http().get('/v1/chat/rooms/aaaaaaaaaaaaaaaaaaaa').set(auth(c)).expect(404);
      expect(outsider.body.detail.replace(room.id, 'ID')).toBe(missing.body.detail.replace('aaaaaaaaaaaaaaaaaaaa', 'ID'));
      expect((await http().get('/v1/chat/rooms').set(auth(c)).expect(200)).body).toEqual({ items: [] });
      await step(c, room.id, 'join', { user: carol }).expect(404);
    });

    it('should not let a user join without an invitation', async () => {
      const room = await createRoom();
      await step(a, room.id, 'invitations', { by: alice, user: bob }).expect(200);
      await step(b, room.id, 'join', { user: 'sip:other@b.example.org' }).expect(403);
    });

    it('should refuse, in agreement mode, a network without an n-way-chat agreement with every network present', async () => {
      await http().put('/admin/v1/federation/mode').set(operatorAuth).send({ mode: 'agreement' }).expect(200);
      const room = await createRoom();
      await step(a, room.id, 'invitations', { by: alice, user: bob }).expect(403);
      await agree(a, b);
      await bringIn(room.id, b, bob);
      await agree(a, c);
      // c may talk with a, but not with b, which is present
      const refused = await step(a, room.id, 'invitations', { by: alice, user: carol }).expect(403);
      expect(refused.body.detail).not.toContain('no-agreement');
      await agree(b, c);
      await bringIn(room.id, c, carol);
    });

    it('should answer about a user of a network hidden from the caller as about a non-member', async () => {
      const room = await createRoom();
      await http()
        .put('/v1/provisioning')
        .set(auth(c))
        .send(memberDocument(c.domain, { deny: [a.domain] }))
        .expect(201);
      const hidden = await step(a, room.id, 'invitations', { by: alice, user: carol }).expect(400);
      const unknown = await step(a, room.id, 'invitations', { by: alice, user: 'matrix:u/carol:nobody.example.info' }).expect(
        400,
      );
      expect(hidden.body.invalidParams[0].reason.replace('c.example.net', 'X')).toBe(
        unknown.body.invalidParams[0].reason.replace('nobody.example.info', 'X'),
      );
    });
  });

  describe('when the policy changes', () => {
    it('should remove the network that joined later when two present networks may no longer talk', async () => {
      await http().put('/admin/v1/federation/mode').set(operatorAuth).send({ mode: 'agreement' }).expect(200);
      await agree(a, b);
      await agree(a, c);
      const bc = await agree(b, c);
      const room = await createRoom();
      await bringIn(room.id, b, bob);
      await bringIn(room.id, c, carol);
      await http().post(`/v1/interconnect/agreements/${bc}/revoke`).set(auth(b)).expect(200);

      // the next step in the room re-evaluates it first: c joined after b, so c's users leave
      const after = await http()
        .put(`/v1/chat/rooms/${room.id}/subject`)
        .set(auth(a))
        .send({ by: alice, subject: 'Next' })
        .expect(200);
      expect(stateOf(after.body)).toEqual({ [alice]: 'joined', [bob]: 'joined', [carol]: 'removed' });
      await http().get(`/v1/chat/rooms/${room.id}`).set(auth(c)).expect(404);
      await step(c, room.id, 'join', { user: carol }).expect(404);
    });

    it('should remove the users of a suspended network', async () => {
      const room = await createRoom();
      await bringIn(room.id, b, bob);
      await http().post(`/admin/v1/members/${b.domain}/suspend`).set(operatorAuth).send({}).expect(200);
      const after = await step(a, room.id, 'invitations', { by: alice, user: carol }).expect(200);
      expect(stateOf(after.body)).toEqual({ [alice]: 'joined', [carol]: 'invited' });
    });
  });

  describe('roles', () => {
    it('should let only owners and moderators kick, ban and set the subject, of lower-ranked participants', async () => {
      const room = await createRoom();
      await bringIn(room.id, b, bob);
      await bringIn(room.id, c, carol);
      await http().put(`/v1/chat/rooms/${room.id}/subject`).set(auth(b)).send({ by: bob, subject: 'mine' }).expect(403);
      await step(b, room.id, 'kick', { by: bob, user: carol }).expect(403);
      await http()
        .put(`/v1/chat/rooms/${room.id}/role`)
        .set(auth(a))
        .send({ by: alice, user: bob, role: 'moderator' })
        .expect(200);
      await step(b, room.id, 'kick', { by: bob, user: alice }).expect(403);
      const kicked = await step(b, room.id, 'kick', { by: bob, user: carol, reason: 'off topic' }).expect(200);
      expect(stateOf(kicked.body)[carol]).toBe('kicked');
      // a kicked user may be invited again; a banned one may not until unbanned
      await step(a, room.id, 'invitations', { by: alice, user: carol }).expect(200);
      await step(a, room.id, 'ban', { by: alice, user: carol }).expect(200);
      await step(a, room.id, 'ban', { by: alice, user: carol }).expect(409);
      await step(a, room.id, 'invitations', { by: alice, user: carol }).expect(403);
      await step(b, room.id, 'unban', { by: bob, user: carol }).expect(200);
      await step(a, room.id, 'invitations', { by: alice, user: carol }).expect(200);
    });

    it('should keep at least one owner', async () => {
      const room = await createRoom();
      await http()
        .put(`/v1/chat/rooms/${room.id}/role`)
        .set(auth(a))
        .send({ by: alice, user: alice, role: 'participant' })
        .expect(409);
    });

    it('should not let a network act in the name of another network’s user', async () => {
      const room = await createRoom();
      await bringIn(room.id, b, bob);
      await http().put(`/v1/chat/rooms/${room.id}/subject`).set(auth(b)).send({ by: alice, subject: 'forged' }).expect(400);
      await step(b, room.id, 'leave', { user: alice }).expect(400);
    });
  });
});

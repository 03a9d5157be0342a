import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import {
  acceptedAgreement,
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

describe('the worker’s chat room sweep (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    // the timer is far away: only the policy change can trigger the sweep seen here
    const config = testConfig({ CHAT_SWEEP_INTERVAL_MS: '3600000' });
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
  });

  it('should remove the users of the later network soon after an agreement is revoked, with no step in the room', async () => {
    const [a, b, c] = [
      await createActiveMember(hub.app, 'a.example.com'),
      await createActiveMember(hub.app, 'b.example.org'),
      await createActiveMember(hub.app, 'c.example.net'),
    ];
    for (const m of [a, b, c]) await publishMemberDocument(hub.app, m, { delegate: m === a ? ['n-way-chat'] : [] });
    await http().put('/admin/v1/federation/mode').set(operatorAuth).send({ mode: 'agreement' }).expect(200);
    const agree = (x: ActiveMember, y: ActiveMember) => acceptedAgreement(hub.app, x, y);
    await agree(a, b);
    await agree(a, c);
    const bc = await agree(b, c);
    const alice = 'xmpp:alice@a.example.com';
    const room = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body;
    for (const [m, user] of [
      [b, 'sip:bob@b.example.org'],
      [c, 'matrix:u/carol:c.example.net'],
    ] as const) {
      await inviteAndJoin(hub.app, room.id, { member: a, user: alice }, { member: m, user });
    }

    await http().post(`/v1/interconnect/agreements/${bc}/revoke`).set(auth(c)).expect(200);
    // reading the room changes nothing: only the sweep can have removed carol
    const seen = await waitFor(async () => {
      const res = await http().get(`/v1/chat/rooms/${room.id}`).set(auth(a)).expect(200);
      const carol = res.body.participants.find((p: { user: string }) => p.user === 'matrix:u/carol:c.example.net');
      return carol?.state === 'removed' ? res.body : null;
    });
    expect(seen.participants.map((p: { user: string; state: string }) => [p.user, p.state]).sort()).toEqual(
      [
        [alice, 'joined'],
        ['sip:bob@b.example.org', 'joined'],
        ['matrix:u/carol:c.example.net', 'removed'],
      ].sort(),
    );
    const events = await http().get(`/v1/chat/rooms/${room.id}/events`).query({ user: alice }).set(auth(a)).expect(200);
    expect(events.body.items.at(-1)).toMatchObject({ kind: 'removed', actor: null, user: 'matrix:u/carol:c.example.net' });
  });
});

import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  createActiveMember,
  delegateLogging,
  memberDocument,
  messageRecord,
  operatorAuth,
  testConfig,
  type ActiveMember,
} from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

/** A domain that is not a member; the hidden member's answers must equal its answers byte for byte. */
const UNKNOWN = 'nobody.example.net';

type Http = () => ReturnType<typeof request>;
const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });

/** Ways a member ends up hidden from the caller `a` (the one visibility rule). */
const HIDINGS: Array<[string, (http: Http, a: ActiveMember, x: ActiveMember) => Promise<unknown>]> = [
  [
    'its block of the caller',
    (http, a, x) => http().post('/v1/interconnect/blocks').set(auth(x)).send({ peer: a.domain }).expect(204),
  ],
  [
    'its Peer Network Privacy denying the caller',
    (http, a, x) =>
      http()
        .put('/v1/provisioning')
        .set(auth(x))
        .send(memberDocument(x.domain, { deny: [a.domain] }))
        .expect(201),
  ],
  [
    'its Peer Network Privacy visible only to others',
    (http, a, x) =>
      http()
        .put('/v1/provisioning')
        .set(auth(x))
        .send(memberDocument(x.domain, { visibleToAll: false, allow: ['someone.example.org'] }))
        .expect(201),
  ],
  [
    'an operator block of the pair',
    (http, a, x) =>
      http().post('/admin/v1/blocks').set(operatorAuth).send({ a: a.domain, b: x.domain, reason: 'dispute' }).expect(204),
  ],
  [
    'its suspension',
    (http, _a, x) => http().post(`/admin/v1/members/${x.domain}/suspend`).set(operatorAuth).send({}).expect(200),
  ],
];

describe('a hidden member answers like an unknown domain (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let x: ActiveMember;
  let kid: string;
  const http: Http = () => request(hub.app.getHttpServer());

  /** What the caller sees of an answer: status, media type and body, the hidden name replaced by UNKNOWN. */
  const seen = (res: request.Response, name: string) =>
    JSON.stringify({
      status: res.status,
      type: res.headers['content-type'],
      body: res.text.replaceAll(name, UNKNOWN).replace(/"requestId":"[^"]*"/g, '"requestId":"…"'),
    });

  /** Every member-facing route that names a peer, asked by `a` about `peer`. */
  const answers = async (peer: string) => {
    const responses = [
      await http().get('/v1/interconnect/decisions').query({ peer, service: 'im' }).set(auth(a)),
      await http()
        .post('/v1/interconnect/offers')
        .set(auth(a))
        .send({ peer, services: ['im'] }),
      await http().post('/v1/interconnect/assertions').set(auth(a)).send({ peer, service: 'im' }),
      await http().post('/v1/interconnect/verify').set(auth(a)).send({ claimedDomain: peer, keyId: kid, service: 'im' }),
      await http()
        .post('/v1/message-log')
        .set(auth(a))
        .send([messageRecord(a.domain, peer, { messageId: 'outbound-1' })]),
      await http()
        .post('/v1/message-log')
        .set(auth(a))
        .send([
          messageRecord(a.domain, a.domain, {
            messageId: 'inbound-1',
            direction: 'inbound',
            sender: `xmpp:carol@chat.${peer}`,
            recipients: [`xmpp:al@${a.domain}`],
          }),
        ]),
      await http()
        .post('/v1/message-log')
        .set(auth(a))
        .send([
          messageRecord(a.domain, a.domain, { messageId: 'room-1', recipients: [], room: `xmpp:lobby@conference.${peer}` }),
        ]),
    ];
    return responses.map((res) => seen(res, peer));
  };

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    x = await createActiveMember(hub.app, 'x.example.org');
    await delegateLogging(hub.app, a);
    const added = await http()
      .post('/v1/interconnect/credentials')
      .set(auth(x))
      .send({ kind: 'jwk', jwk: generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) })
      .expect(201);
    kid = added.body.kid;
  });

  it('should answer about a visible member differently, so the comparison can tell them apart', async () => {
    const visible = await answers(x.domain);
    expect(visible).not.toEqual(await answers(UNKNOWN));
    const verify = JSON.parse(JSON.parse(visible[3]).body);
    expect(verify).toMatchObject({ authentic: true, credential: { type: 'jwk' } });
  });

  it.each(HIDINGS)('should answer byte for byte as for an unknown domain when hidden by %s', async (_how, hide) => {
    await hide(http, a, x);
    const hidden = await answers(x.domain);
    const unknown = await answers(UNKNOWN);
    expect(hidden).toEqual(unknown);
    // the answers are refusals that name no credential of the hidden member
    expect(JSON.parse(hidden[0])).toMatchObject({ status: 200 });
    expect(JSON.parse(JSON.parse(hidden[0]).body)).toMatchObject({ allowed: false, reason: 'target-unknown' });
    expect(JSON.parse(hidden[1])).toMatchObject({ status: 404 });
    expect(JSON.parse(hidden[2])).toMatchObject({ status: 403 });
    expect(JSON.parse(JSON.parse(hidden[3]).body)).toMatchObject({ authentic: false, credential: null });
    for (const i of [4, 5, 6]) expect(JSON.parse(JSON.parse(hidden[i]).body).rejected[0].reason).toBe('participant-not-member');
    // and no offer was created
    const agreements = await hub.app.get(DataSource).query('SELECT count(*)::int AS n FROM peering_agreements');
    expect(agreements).toEqual([{ n: 0 }]);
  });

  it.each(HIDINGS)(
    'should show no agreement, offer or transparency entry with a member hidden by %s, as if it never existed',
    async (_how, hide) => {
      const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
      const entriesBefore = (await http().get('/v1/transparency/entries').set(auth(a)).expect(200)).text;
      const noAgreements = (await http().get('/v1/interconnect/agreements').set(auth(a)).expect(200)).text;
      const accepted = await http()
        .post('/v1/interconnect/offers')
        .set(auth(a))
        .send({ peer: x.domain, services: ['im'] })
        .expect(201);
      await http().post(`/v1/interconnect/agreements/${accepted.body.id}/accept`).set(auth(x)).expect(200);
      const open = await http()
        .post('/v1/interconnect/offers')
        .set(auth(x))
        .send({ peer: a.domain, services: ['presence'] })
        .expect(201);
      // while visible, the caller sees both agreements and their entries
      const listed = await http().get('/v1/interconnect/agreements').set(auth(a)).expect(200);
      expect(listed.body.items.map((i: { id: string }) => i.id).sort()).toEqual([accepted.body.id, open.body.id].sort());
      expect((await http().get('/v1/transparency/entries').set(auth(a)).expect(200)).text).not.toBe(entriesBefore);

      await hide(http, a, x);
      expect((await http().get('/v1/interconnect/agreements').set(auth(a)).expect(200)).text).toBe(noAgreements);
      expect((await http().get('/v1/transparency/entries').set(auth(a)).expect(200)).text).toBe(entriesBefore);
      const step = (id: string, action: string) =>
        http().post(`/v1/interconnect/agreements/${id}/${action}`).set(auth(a)).send({});
      const asUnknown = (res: request.Response, id: string) => seen(res, x.domain).replaceAll(id, UNKNOWN_ID);
      for (const [id, action] of [
        [open.body.id, 'accept'],
        [open.body.id, 'reject'],
        [accepted.body.id, 'revoke'],
      ]) {
        const hidden = await step(id, action);
        expect(hidden.status).toBe(404);
        expect(asUnknown(hidden, id)).toBe(asUnknown(await step(UNKNOWN_ID, action), UNKNOWN_ID));
      }
      // nothing was changed by the refused steps
      const states = await hub.app.get(DataSource).query('SELECT state FROM peering_agreements ORDER BY state');
      expect(states).toEqual([{ state: 'accepted' }, { state: 'offered' }]);
    },
  );

  it("should not show the blocked member a member block's transparency entry, and show it to the blocker", async () => {
    const before = await http().get('/v1/transparency/entries').set(auth(a)).expect(200);
    await http().post('/v1/interconnect/blocks').set(auth(x)).send({ peer: a.domain, reason: 'spam from a' }).expect(204);
    const after = await http().get('/v1/transparency/entries').set(auth(a)).expect(200);
    expect(after.text).toBe(before.text);
    const blocker = await http().get('/v1/transparency/entries').set(auth(x)).expect(200);
    expect(blocker.body.items).toContainEqual(
      expect.objectContaining({ kind: 'block.member.added', entry: expect.objectContaining({ reason: 'spam from a' }) }),
    );
    // the blocker still sees its block removed; the blocked member still sees nothing of it
    await http().delete(`/v1/interconnect/blocks/${a.domain}`).set(auth(x)).expect(204);
    expect((await http().get('/v1/transparency/entries').set(auth(a)).expect(200)).text).toBe(before.text);
  });
});

import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import type { ChatDeliveryBody } from '@app/chat';
import { MetricsRegistry } from '@app/metrics';
import {
  acceptedAgreement,
  createActiveMember,
  inviteAndJoin,
  memberAuth as auth,
  MetricsScrape,
  operatorAuth,
  publishMemberDocument,
  type ReceivedRequest,
  receivedTargetUri,
  startWebhookReceiver,
  testConfig,
  verifyHubRequest,
  waitFor,
  type ActiveMember,
  type WebhookReceiver,
} from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

interface Network {
  member: ActiveMember;
  user: string;
  receiver: WebhookReceiver;
  /** while true, the gateway answers 503 */
  down: boolean;
  /** the bodies it answered 2xx to, in arrival order */
  took: ChatDeliveryBody[];
}

const bodyOf = (r: ReceivedRequest) => r.json as ChatDeliveryBody;

describe('pushing room events to member gateways (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  let a: Network;
  let b: Network;
  let c: Network;
  const receivers: WebhookReceiver[] = [];
  const http = () => request(hub.app.getHttpServer());

  const network = async (domain: string, user: string, delegate: string[] = []): Promise<Network> => {
    const net = { down: false, took: [] as ChatDeliveryBody[] } as Network;
    net.receiver = await startWebhookReceiver((r) => {
      if (net.down) return { status: 503, headers: { 'retry-after': '0' } };
      net.took.push(bodyOf(r));
      return 204;
    });
    receivers.push(net.receiver);
    net.member = await createActiveMember(hub.app, domain);
    net.user = user;
    await publishMemberDocument(hub.app, net.member, { delegate, chatDelivery: `${net.receiver.url}/chat/events` });
    return net;
  };
  /** Room events the gateway took (2xx), in arrival order, once per delivery id (as a receiver deduplicates). */
  const accepted = (net: Network, roomId: string): ChatDeliveryBody[] => {
    const seen = new Set<string>();
    return net.took.filter((body) => body.roomId === roomId && !seen.has(body.deliveryId) && seen.add(body.deliveryId));
  };
  const messagesAt = (net: Network, roomId: string) =>
    accepted(net, roomId)
      .filter((d) => d.event.kind === 'message')
      .map((d) => d.event.content.body);
  const post = (net: Network, roomId: string, body: string) =>
    http()
      .post(`/v1/chat/rooms/${roomId}/messages`)
      .set(auth(net.member))
      .send({ from: net.user, clientId: randomBytes(6).toString('hex'), body })
      .expect(201);
  const roomOfThree = async () => {
    const room = (await http().post('/v1/chat/rooms').set(auth(a.member)).send({ owner: a.user }).expect(201)).body as {
      id: string;
      uri: string;
    };
    await inviteAndJoin(hub.app, room.id, { member: a.member, user: a.user }, { member: b.member, user: b.user });
    await inviteAndJoin(hub.app, room.id, { member: a.member, user: a.user }, { member: c.member, user: c.user });
    return room;
  };

  beforeAll(async () => {
    const config = testConfig({
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      HUB_SECRET_KEY: randomBytes(32).toString('hex'),
      CHAT_PUSH_RETRY_BASE_MS: '50',
      CHAT_PUSH_RETRY_MAX_MS: '200',
      CHAT_PUSH_MAX_ATTEMPTS: '100',
      CHAT_PUSH_SCAN_INTERVAL_MS: '100',
      // a failing receiver is not cut off by the circuit for longer than the test waits
      OUTBOUND_CIRCUIT_OPEN_MS: '100',
    });
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });
  beforeEach(async () => {
    await hub.reset();
    a = await network('a.example.com', 'xmpp:alice@a.example.com', ['n-way-chat']);
    b = await network('b.example.org', 'sip:bob@b.example.org');
    c = await network('c.example.net', 'matrix:u/carol:c.example.net');
  });

  it('should push every event once, in order, signed by a key of the JWKS, to each network with its own recipients', async () => {
    const scrape = async () => new MetricsScrape(await worker.get(MetricsRegistry).exposition());
    const before = await scrape();
    const room = await roomOfThree();
    for (let i = 1; i <= 5; i++) await post(i === 3 ? b : a, room.id, `m${i}`);

    await waitFor(async () => (messagesAt(c, room.id).length === 5 && messagesAt(b, room.id).length === 4) || null);
    expect(messagesAt(c, room.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    // a network's only user in the room is not sent what it posted itself
    expect(messagesAt(b, room.id)).toEqual(['m1', 'm2', 'm4', 'm5']);
    await waitFor(async () => messagesAt(a, room.id).length === 1 || null);
    expect(messagesAt(a, room.id)).toEqual(['m3']);
    for (const net of [a, b, c]) {
      const seqs = accepted(net, room.id).map((d) => d.event.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      // once each: nothing failed, so nothing was sent twice
      expect(net.receiver.requests.filter((r) => bodyOf(r).roomId === room.id)).toHaveLength(seqs.length);
    }
    const toC = accepted(c, room.id).find((d) => d.event.content.body === 'm1') as ChatDeliveryBody;
    expect(toC).toEqual({
      deliveryId: `chat-${room.id}-${toC.event.seq}-${c.member.domain}`,
      hub: hub.config.hub.domain,
      roomId: room.id,
      roomUri: room.uri,
      recipients: [c.user],
      event: expect.objectContaining({ kind: 'message', actor: a.user, content: { body: 'm1', mediaType: 'text/plain' } }),
    });

    // pushed message deliveries count for settlement, per receiving network and sender
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const usage = await http()
      .get('/admin/v1/usage')
      .query({ from: today, to: tomorrow, granularity: 'day' })
      .set(operatorAuth)
      .expect(200);
    const pair = (member: Network, peer: Network) =>
      (usage.body.pairs as Array<{ member: string; peer: string; chatDeliveries: number }>).find(
        (r) => r.member === member.member.domain && r.peer === peer.member.domain,
      )?.chatDeliveries;
    expect([pair(c, a), pair(c, b), pair(b, a), pair(a, b)]).toEqual([4, 1, 4, 1]);
    // the worker's metrics count the same deliveries, per destination and per pair
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('hub_chat_pair_messages_total', { origin: a.member.domain, destination: c.member.domain })).toBe(4);
    expect(delta('hub_chat_pair_messages_total', { origin: b.member.domain, destination: c.member.domain })).toBe(1);
    expect(delta('hub_chat_deliveries_total', { destination: c.member.domain, outcome: 'pushed' })).toBe(
      accepted(c, room.id).length,
    );

    const jwks = (await http().get('/.well-known/jwks.json').expect(200)).body as { keys: Array<Record<string, unknown>> };
    for (const r of c.receiver.requests) {
      const verified = verifyHubRequest(
        { method: r.method, targetUri: receivedTargetUri('http', r.headers, r.path), headers: r.headers, body: r.body },
        jwks,
        { required: ['@method', '@target-uri', 'content-digest', 'content-type', 'idempotency-key'] },
      );
      expect(jwks.keys.map((k) => k.kid)).toContain(verified.keyid);
      expect(r.headers['idempotency-key']).toBe(bodyOf(r).deliveryId);
      expect(r.path).toBe('/chat/events');
    }
  });

  it('should not hold up the other gateways while one is down, and catch it up in order once it answers', async () => {
    const room = await roomOfThree();
    b.down = true;
    for (let i = 1; i <= 4; i++) await post(a, room.id, `m${i}`);

    await waitFor(async () => messagesAt(c, room.id).length === 4 || null);
    expect(messagesAt(b, room.id)).toEqual([]);
    // it keeps being tried meanwhile (backoff 50–200 ms, Retry-After: 0)
    await waitFor(async () => b.receiver.requests.length >= 3 || null);

    b.down = false;
    await waitFor(async () => messagesAt(b, room.id).length === 4 || null);
    expect(messagesAt(b, room.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    const seqs = accepted(b, room.id).map((d) => d.event.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });

  it('should stop pushing to a network once its agreement is revoked: its users are removed and get nothing later', async () => {
    await http().put('/admin/v1/federation/mode').set(operatorAuth).send({ mode: 'agreement' }).expect(200);
    await acceptedAgreement(hub.app, a.member, b.member);
    await acceptedAgreement(hub.app, a.member, c.member);
    const bc = await acceptedAgreement(hub.app, b.member, c.member);
    const room = await roomOfThree();
    await post(a, room.id, 'before');
    await waitFor(async () => messagesAt(c, room.id).length === 1 || null);

    await http().post(`/v1/interconnect/agreements/${bc}/revoke`).set(auth(c.member)).expect(200);
    await post(a, room.id, 'after');
    await waitFor(async () => messagesAt(b, room.id).length === 2 || null);

    // c joined later than b, so c's user leaves; its last event is its own removal
    const toC = accepted(c, room.id);
    expect(toC.map((d) => d.event.content.body).filter(Boolean)).toEqual(['before']);
    expect(toC[toC.length - 1].event).toMatchObject({ kind: 'removed', user: c.user, actor: null });
    expect(accepted(b, room.id).some((d) => d.event.kind === 'removed' && d.event.user === c.user)).toBe(true);
  });

  it('should deliver to a gateway declared after the events, and leave a network without one to pull', async () => {
    const room = await roomOfThree();
    await publishMemberDocument(hub.app, c.member); // c takes its gateway away: it pulls
    await post(a, room.id, 'pulled');
    await waitFor(async () => messagesAt(b, room.id).length === 1 || null);
    const pulled = await http().get('/v1/chat/deliveries').set(auth(c.member)).expect(200);
    expect(pulled.body.items.map((d: { event: { content: { body?: string } } }) => d.event.content.body)).toContain('pulled');

    await publishMemberDocument(hub.app, c.member, { chatDelivery: `${c.receiver.url}/chat/events` });
    await waitFor(async () => messagesAt(c, room.id).includes('pulled') || null);
  });
});

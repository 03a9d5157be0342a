import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { ChatDeliveryBody } from '@app/chat';
import {
  childPort,
  type ActiveMember,
  compiledAppEnv,
  type CompiledApp,
  createActiveMember,
  DisposableRedis,
  ensureCompiled,
  inviteAndJoin,
  memberAuth as auth,
  operatorAuth,
  publishMemberDocument,
  startCompiled,
  startWebhookReceiver,
  testConfig,
  waitFor,
  type WebhookReceiver,
} from '@app/testing';
import type { AppConfig } from '@app/config';
import { startTestHub, TestHub } from '../../hub/test/test-hub.js';

const MESSAGES = 60;

/**
 * Every message answered 201 reaches every destination network, in order and once as a receiver
 * that drops repeated delivery ids sees it, while the worker is killed with SIGKILL and replaced,
 * and while Redis is restarted empty; the central message log gets every message too.
 */
describe('chat push across a killed worker and a Redis restart (e2e)', () => {
  let redis: DisposableRedis;
  let hub: TestHub;
  let config: AppConfig;
  let worker: CompiledApp | undefined;
  let healthPort: number;
  const receivers: WebhookReceiver[] = [];
  const http = () => request(hub.app.getHttpServer());
  const alice = 'xmpp:alice@a.example.com';

  const startWorker = async () => {
    worker = startCompiled(
      'worker',
      compiledAppEnv(config, {
        WORKER_HEALTH_PORT: String(healthPort),
        OUTBOUND_ALLOW_LOOPBACK: 'true',
        HUB_SECRET_KEY: config.hubKeys.secretKey?.toString('hex') ?? '',
        CHAT_PUSH_RETRY_BASE_MS: '50',
        CHAT_PUSH_RETRY_MAX_MS: '200',
        CHAT_PUSH_SCAN_INTERVAL_MS: '100',
        // a killed worker's gateways are taken over when its lease (twice this) runs out
        CHAT_PUSH_TIMEOUT_MS: '1000',
        OUTBOX_RECONCILE_GRACE_MS: '1000',
        OUTBOX_RECONCILE_INTERVAL_MS: '200',
      }),
    );
    await waitFor(async () => (await fetch(`http://127.0.0.1:${healthPort}/health/ready`)).ok, 60_000, 100);
  };
  /** A gateway that takes a little time per request, so a kill lands with pushes in flight. */
  const gateway = async () => {
    const receiver = await startWebhookReceiver(async () => {
      await new Promise((r) => setTimeout(r, 5));
      return 204;
    });
    receivers.push(receiver);
    return receiver;
  };
  /** Message bodies as a receiver that drops repeated delivery ids sees them, in arrival order. */
  const seenBy = (receiver: WebhookReceiver, roomId: string) => {
    const ids = new Set<string>();
    return receiver.requests
      .map((r) => r.json as ChatDeliveryBody)
      .filter((d) => d.roomId === roomId && d.event.kind === 'message' && !ids.has(d.deliveryId) && ids.add(d.deliveryId))
      .map((d) => d.event.content.body as string);
  };

  beforeAll(async () => {
    ensureCompiled();
    redis = await DisposableRedis.start();
    healthPort = await childPort();
    config = testConfig({
      REDIS_URL: redis.url,
      HUB_SECRET_KEY: randomBytes(32).toString('hex'),
      OUTBOUND_ALLOW_LOOPBACK: 'true',
    });
    hub = await startTestHub(config);
    await hub.reset();
  });
  afterAll(async () => {
    await worker?.kill();
    await hub?.close();
    await redis?.down();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('should lose nothing and keep each room in order', async () => {
    const a = await createActiveMember(hub.app, 'a.example.com');
    await publishMemberDocument(hub.app, a, { delegate: ['n-way-chat', 'logging'] });
    const guests: Array<{ member: ActiveMember; receiver: WebhookReceiver }> = [];
    for (const domain of ['b.example.org', 'c.example.net']) {
      const member = await createActiveMember(hub.app, domain);
      const receiver = await gateway();
      await publishMemberDocument(hub.app, member, { chatDelivery: `${receiver.url}/events` });
      guests.push({ member, receiver });
    }
    const room = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body as {
      id: string;
      uri: string;
    };
    for (const [i, g] of guests.entries()) {
      await inviteAndJoin(
        hub.app,
        room.id,
        { member: a, user: alice },
        { member: g.member, user: `sip:user${i}@${g.member.domain}` },
      );
    }
    await startWorker();

    const expected: string[] = [];
    for (let i = 1; i <= MESSAGES; i++) {
      const body = `m${i}`;
      await http()
        .post(`/v1/chat/rooms/${room.id}/messages`)
        .set(auth(a))
        .send({ from: alice, clientId: `c${i}`, body })
        .expect(201);
      expected.push(body);
      if (i === 20) {
        await worker?.kill('SIGKILL');
        await startWorker();
      }
      if (i === 40) {
        await redis.down();
        await redis.up();
      }
      await new Promise((r) => setTimeout(r, 10));
    }

    for (const g of guests) {
      await waitFor(async () => seenBy(g.receiver, room.id).length === MESSAGES || null, 60_000);
      expect(seenBy(g.receiver, room.id)).toEqual(expected);
    }
    // the message log's copy goes through the queue: the outbox adds again what Redis lost
    const logged = await waitFor(async () => {
      const res = await http().get('/admin/v1/message-log').query({ room: room.uri, limit: 100 }).set(operatorAuth).expect(200);
      return res.body.items.length === MESSAGES ? (res.body.items as Array<{ body: string }>) : null;
    }, 60_000);
    expect(logged.map((r) => r.body).sort()).toEqual([...expected].sort());
  });
});

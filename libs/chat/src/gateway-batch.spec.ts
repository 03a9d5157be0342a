import type { PendingChatDelivery } from '@app/db';
import type { DecisionDirectory } from '@app/interconnect';
import { DestinationBusyError, type OutboundClient, type OutboundRequest, OutboundResponseError } from '@app/outbound';
import { GatewayBatch } from './gateway-batch.js';

const GATEWAY = 'https://gw.b.example/events';

const delivery = (id: number, roomId: string, seq: number, network = 'a.example'): PendingChatDelivery => ({
  id: String(id),
  roomId,
  roomUri: `xmpp:${roomId}@hub.example`,
  seq: String(seq),
  kind: 'message',
  actor: 'xmpp:alice@a.example',
  userUri: null,
  network,
  userNetwork: null,
  content: { body: `${roomId}-${seq}`, mediaType: 'text/plain' },
  recipients: ['sip:bob@b.example'],
  createdAt: new Date('2026-12-01T00:00:00Z'),
});

function directory(overrides: Partial<DecisionDirectory> = {}): DecisionDirectory {
  return {
    ownerOf: () => null,
    visible: () => true,
    delegatedServices: () => new Set(),
    isActive: () => true,
    chatDeliveryUri: () => GATEWAY,
    decide: (requestor) => ({ allowed: requestor !== 'blocked.example', reason: 'test', rules: [] }) as never,
    ...overrides,
  };
}

/** An outbound client that answers each request with what `answer` says, recording what was sent. */
function client(answer: (body: { deliveryId: string }, attempt: number) => Promise<void> | void) {
  const sent: Array<{ deliveryId: string; key: string }> = [];
  const attempts = new Map<string, number>();
  const outbound = {
    send: async (r: OutboundRequest) => {
      const body = JSON.parse(String(r.body)) as { deliveryId: string };
      const attempt = (attempts.get(body.deliveryId) ?? 0) + 1;
      attempts.set(body.deliveryId, attempt);
      await answer(body, attempt);
      sent.push({ deliveryId: body.deliveryId, key: r.idempotencyKey });
      return { status: 204, headers: {}, body: Buffer.alloc(0) };
    },
  } as unknown as OutboundClient;
  return { outbound, sent };
}

const batch = (outbound: OutboundClient, concurrency = 2) =>
  new GatewayBatch(outbound, { hub: 'hub.example', timeoutMs: 1000, concurrency });

describe(GatewayBatch.name, () => {
  it('should send every delivery with its id as the idempotency key, each room in order', async () => {
    const { outbound, sent } = client(() => new Promise((r) => setTimeout(r, Math.random() * 5)));
    const pending = [
      delivery(1, 'r1', 1),
      delivery(2, 'r2', 1),
      delivery(3, 'r1', 2),
      delivery(4, 'r2', 2),
      delivery(5, 'r1', 3),
    ];
    const outcome = await batch(outbound).send('b.example', pending, directory());
    expect(outcome.failure).toBeUndefined();
    expect(outcome.done.map((d) => d.id).sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(outcome.done.every((d) => d.outcome === 'pushed')).toBe(true);
    expect(sent.every((s) => s.key === s.deliveryId)).toBe(true);
    const r1 = sent.map((s) => s.deliveryId).filter((id) => id.startsWith('chat-r1-'));
    expect(r1).toEqual(['chat-r1-1-b.example', 'chat-r1-2-b.example', 'chat-r1-3-b.example']);
  });

  it('should start nothing after the first failure, in any room', async () => {
    const { outbound, sent } = client((body) => {
      if (body.deliveryId === 'chat-r1-2-b.example') throw new OutboundResponseError(503, 'answered 503', 2000);
    });
    const pending = [delivery(1, 'r1', 1), delivery(2, 'r1', 2), delivery(3, 'r1', 3), delivery(4, 'r1', 4)];
    const outcome = await batch(outbound, 1).send('b.example', pending, directory());
    expect(outcome.failure).toEqual({ message: 'answered 503', permanent: false, retryAfterMs: 2000 });
    expect(outcome.done).toEqual([{ id: '1', network: 'b.example', outcome: 'pushed', messageFrom: 'a.example' }]);
    expect(sent.map((s) => s.deliveryId)).toEqual(['chat-r1-1-b.example']);
  });

  it('should report a refusal no retry can change as permanent', async () => {
    const { outbound } = client(() => {
      throw new OutboundResponseError(404, 'answered 404');
    });
    const outcome = await batch(outbound).send('b.example', [delivery(1, 'r1', 1)], directory());
    expect(outcome.failure).toMatchObject({ permanent: true });
  });

  it('should withhold, not send, an event the network may no longer be shown', async () => {
    const { outbound, sent } = client(() => undefined);
    const pending = [delivery(1, 'r1', 1, 'blocked.example'), delivery(2, 'r1', 2)];
    const outcome = await batch(outbound).send('b.example', pending, directory());
    expect(outcome.done).toEqual([
      { id: '1', network: 'b.example', outcome: 'withheld', messageFrom: null },
      { id: '2', network: 'b.example', outcome: 'pushed', messageFrom: 'a.example' },
    ]);
    expect(sent.map((s) => s.deliveryId)).toEqual(['chat-r1-2-b.example']);
  });

  it('should send nothing and lose nothing while the network has no gateway or is not active', async () => {
    const { outbound, sent } = client(() => undefined);
    for (const dir of [directory({ chatDeliveryUri: () => undefined }), directory({ isActive: () => false })]) {
      expect(await batch(outbound).send('b.example', [delivery(1, 'r1', 1)], dir)).toEqual({ done: [], stopped: true });
    }
    expect(sent).toEqual([]);
  });

  it('should wait for a request slot that the hub’s other senders hold, without counting a failure', async () => {
    const { outbound, sent } = client((_, attempt) => {
      if (attempt < 3) throw new DestinationBusyError('https://gw.b.example', 2);
    });
    const outcome = await batch(outbound).send('b.example', [delivery(1, 'r1', 1)], directory());
    expect(outcome).toEqual({
      done: [{ id: '1', network: 'b.example', outcome: 'pushed', messageFrom: 'a.example' }],
      failure: undefined,
    });
    expect(sent).toHaveLength(1);
  });
});

import request from 'supertest';
import { messageRecord, operatorAuth, testConfig, type ActiveMember } from '@app/testing';
import { logRecords, minutesAgo, threeLoggingMembers } from './message-log-seed.js';
import { startTestHub, TestHub } from './test-hub.js';

interface Item {
  messageId: string;
  ts: string;
  origin: string;
  seq: number;
}

describe('message log search (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  let c: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  const search = (m: ActiveMember, query: Record<string, string | number> = {}) =>
    http().get('/v1/message-log').query(query).set(auth(m));
  const ids = (body: { items: Item[] }) => body.items.map((i) => i.messageId).sort();
  const latestAudit = async (action: string) =>
    (await http().get('/admin/v1/audit').query({ action, limit: 1 }).set(operatorAuth).expect(200)).body.items[0];

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());

  describe('visibility and filters', () => {
    beforeAll(async () => {
      await hub.reset();
      [a, b, c] = await threeLoggingMembers(hub.app);
      // a-1: a→b, a-2: a→c, b-1: b→c, b-2: b in its own room, c-1: c received from b
      await logRecords(hub.app, a, [
        messageRecord(a.domain, b.domain, { messageId: 'a-1', timestamp: minutesAgo(50) }),
        messageRecord(a.domain, c.domain, { messageId: 'a-2', timestamp: minutesAgo(40), recipients: [`sip:carol@${c.domain}`] }),
      ]);
      await logRecords(hub.app, b, [
        messageRecord(b.domain, c.domain, { messageId: 'b-1', timestamp: minutesAgo(30), sender: `sip:bob@${b.domain}` }),
        messageRecord(b.domain, b.domain, {
          messageId: 'b-2',
          timestamp: minutesAgo(20),
          sender: `xmpp:bob@${b.domain}`,
          recipients: [],
          room: `xmpp:lounge@conference.${b.domain}`,
        }),
      ]);
      await logRecords(hub.app, c, [
        messageRecord(c.domain, b.domain, {
          messageId: 'c-1',
          timestamp: minutesAgo(10),
          direction: 'inbound',
          sender: `sip:bob@${b.domain}`,
          recipients: [`sip:carol@${c.domain}`],
        }),
      ]);
    });

    it('should show a member only the records its network is part of', async () => {
      expect(ids((await search(a).expect(200)).body)).toEqual(['a-1', 'a-2']);
      expect(ids((await search(b).expect(200)).body)).toEqual(['a-1', 'b-1', 'b-2', 'c-1']);
      expect(ids((await search(c).expect(200)).body)).toEqual(['a-2', 'b-1', 'c-1']);
    });

    it('should return every field, hashes in hex and times in ISO 8601, oldest first', async () => {
      const res = await search(a).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items.map((i: Item) => i.messageId)).toEqual(['a-1', 'a-2']);
      expect(res.body.items[0]).toEqual({
        ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        origin: a.domain,
        seq: 1,
        messageId: 'a-1',
        direction: 'outbound',
        sender: `sip:alice@${a.domain}`,
        recipients: [`sip:bob@${b.domain}`],
        room: null,
        contentType: 'text/plain',
        body: expect.any(String),
        bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        prevHash: '0'.repeat(64),
        chainHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        batchId: expect.any(String),
        loggedAt: expect.any(String),
      });
    });

    it('should filter by participant URI, normalised as at ingest', async () => {
      const res = await search(a, { participant: `sip:bob@B.Example.ORG:5061;transport=tls` }).expect(200);
      expect(ids(res.body)).toEqual(['a-1']);
      expect(ids((await search(b, { participant: `sip:bob@${b.domain}` }).expect(200)).body)).toEqual(['a-1', 'b-1', 'c-1']);
    });

    it('should filter by room', async () => {
      expect(ids((await search(b, { room: `xmpp:lounge@Conference.${b.domain}` }).expect(200)).body)).toEqual(['b-2']);
      expect(ids((await search(a, { room: `xmpp:lounge@conference.${b.domain}` }).expect(200)).body)).toEqual([]);
    });

    it('should filter by another member network involved', async () => {
      expect(ids((await search(a, { member: c.domain }).expect(200)).body)).toEqual(['a-2']);
      expect(ids((await search(b, { member: 'C.Example.Net.' }).expect(200)).body)).toEqual(['b-1', 'c-1']);
    });

    it('should filter by time range, from inclusive and to exclusive', async () => {
      const all = (await search(b).expect(200)).body.items as Item[];
      const from = all.find((i) => i.messageId === 'b-1')!.ts;
      const to = all.find((i) => i.messageId === 'c-1')!.ts;
      expect(ids((await search(b, { from, to }).expect(200)).body)).toEqual(['b-1', 'b-2']);
    });

    it('should filter by message id and origin, within the caller’s visibility', async () => {
      expect(ids((await search(b, { messageId: 'a-1', origin: a.domain }).expect(200)).body)).toEqual(['a-1']);
      expect(ids((await search(b, { messageId: 'a-1', origin: b.domain }).expect(200)).body)).toEqual([]);
      expect(ids((await search(b, { messageId: 'c-1' }).expect(200)).body)).toEqual(['c-1']);
      expect(ids((await search(c, { messageId: 'a-1', origin: a.domain }).expect(200)).body)).toEqual([]);
    });

    it('should filter by origin', async () => {
      expect(ids((await search(b, { origin: c.domain }).expect(200)).body)).toEqual(['c-1']);
    });

    it('should not audit member searches', async () => {
      await search(a).expect(200);
      expect(await latestAudit('message-log.search')).toBeUndefined();
    });

    it('should let an operator search every record, and audit the search with its filters and row count', async () => {
      expect(ids((await http().get('/admin/v1/message-log').set(operatorAuth).expect(200)).body)).toEqual([
        'a-1',
        'a-2',
        'b-1',
        'b-2',
        'c-1',
      ]);
      const res = await http().get('/admin/v1/message-log').query({ member: c.domain }).set(operatorAuth).expect(200);
      expect(ids(res.body)).toEqual(['a-2', 'b-1', 'c-1']);
      expect(await latestAudit('message-log.search')).toMatchObject({
        actor: { type: 'operator' },
        target: { type: 'message-log', id: c.domain },
        details: { filters: { member: c.domain }, rows: 3 },
      });
    });

    it('should let an auditor search, audited as the auditor', async () => {
      const auditor = await http()
        .post('/admin/v1/operators')
        .set(operatorAuth)
        .send({ name: 'audra', role: 'auditor' })
        .expect(201);
      await http()
        .get('/admin/v1/message-log')
        .query({ origin: a.domain })
        .set({ Authorization: `Bearer ${auditor.body.token}` })
        .expect(200);
      expect(await latestAudit('message-log.search')).toMatchObject({
        actor: { type: 'operator', id: auditor.body.id },
        details: { filters: { origin: a.domain }, rows: 2 },
      });
    });

    it('should refuse a member key on the operator route (403) and missing credentials (401)', async () => {
      await http().get('/admin/v1/message-log').set(auth(a)).expect(403);
      await http().get('/admin/v1/message-log').expect(401);
      await http().get('/v1/message-log').expect(401);
      await http().get('/v1/message-log').set(operatorAuth).expect(401);
    });

    it('should answer 400 problem+json naming each bad filter', async () => {
      const names = async (query: Record<string, string>) => {
        const res = await search(a, query).expect(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        return res.body.invalidParams.map((p: { name: string }) => p.name).sort();
      };
      expect(await names({ limit: '0', from: 'yesterday' })).toEqual(['from', 'limit']);
      expect(await names({ limit: '1001' })).toEqual(['limit']);
      expect(await names({ participant: 'not a uri' })).toEqual(['participant']);
      expect(await names({ room: 'ftp:room@b.example.org' })).toEqual(['room']);
      expect(await names({ member: 'localhost' })).toEqual(['member']);
      expect(await names({ origin: 'a b' })).toEqual(['origin']);
      expect(await names({ messageId: 'has space' })).toEqual(['messageId']);
      expect(await names({ cursor: 'bm90IGEgY3Vyc29y' })).toEqual(['cursor']);
      expect(await names({ from: minutesAgo(5), to: minutesAgo(10) })).toEqual(['to']);
      expect(await names({ unknown: 'x' })).toEqual(['unknown']);
    });
  });

  describe('pagination', () => {
    const TOTAL = 25;

    beforeAll(async () => {
      await hub.reset();
      [a, b, c] = await threeLoggingMembers(hub.app);
      // five records share each timestamp, so pages must break ties by (origin, seq)
      const base = Date.now() - 3_600_000;
      const at = (i: number) => new Date(base + Math.floor(i / 5) * 60_000).toISOString();
      await logRecords(
        hub.app,
        a,
        Array.from({ length: 15 }, (_, i) => messageRecord(a.domain, b.domain, { messageId: `a-${i}`, timestamp: at(i) })),
      );
      await logRecords(
        hub.app,
        b,
        Array.from({ length: 10 }, (_, i) =>
          messageRecord(b.domain, a.domain, { messageId: `b-${i}`, timestamp: at(i), sender: `sip:bob@${b.domain}` }),
        ),
      );
    });

    it('should walk every record exactly once, in (ts, origin, seq) order, across pages', async () => {
      const seen: Item[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string | number> = cursor ? { limit: 10, cursor } : { limit: 10 };
        const body = (await search(a, query).expect(200)).body as { items: Item[]; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(10);
        seen.push(...body.items);
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(TOTAL);
      expect(new Set(seen.map((i) => `${i.origin}/${i.seq}`)).size).toBe(TOTAL);
      const key = (i: Item) => `${i.ts}|${i.origin}|${String(i.seq).padStart(6, '0')}`;
      expect(seen.map(key)).toEqual(seen.map(key).sort());
    });

    it('should give no next cursor when the last page is exactly full', async () => {
      const first = await search(a, { limit: 20 }).expect(200);
      const second = await search(a, { limit: 5, cursor: first.body.nextCursor }).expect(200);
      expect(second.body.items).toHaveLength(5);
      expect(second.body.nextCursor).toBeNull();
    });

    it('should default to 100 records per page', async () => {
      const res = await search(a).expect(200);
      expect(res.body.items).toHaveLength(TOTAL);
      expect(res.body.nextCursor).toBeNull();
    });
  });
});

import { createHash } from 'node:crypto';
import { SaxesParser } from 'saxes';
import request from 'supertest';
import { messageRecord, operatorAuth, testConfig, type ActiveMember } from '@app/testing';
import { MESSAGE_LOG_XML_NAMESPACE, verifyLogChain, type StoredChainRecord } from '@app/message-log';
import { logRecords, minutesAgo, threeLoggingMembers } from './message-log-seed.js';
import { startTestHub, TestHub } from './test-hub.js';

interface XmlRecord {
  attributes: Record<string, string>;
  children: Array<{ name: string; text: string; encoding?: string }>;
}

/** Parses an export with saxes (throws unless well-formed): the root's attributes and every record. */
function parseExport(xml: string): {
  root: { name: string; uri: string; attributes: Record<string, string> };
  records: XmlRecord[];
} {
  const parser = new SaxesParser({ xmlns: true });
  let root: { name: string; uri: string; attributes: Record<string, string> } | undefined;
  const records: XmlRecord[] = [];
  let child: { name: string; text: string; encoding?: string } | undefined;
  const values = (attributes: Record<string, { value: string }>) =>
    Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.value]));
  parser.on('opentag', (tag) => {
    const attributes = values(tag.attributes as Record<string, { value: string }>);
    if (!root) root = { name: tag.local, uri: tag.uri, attributes };
    else if (tag.local === 'record') {
      expect(tag.uri).toBe(MESSAGE_LOG_XML_NAMESPACE);
      records.push({ attributes, children: [] });
    } else child = { name: tag.local, text: '', encoding: attributes.encoding };
  });
  parser.on('text', (text) => {
    if (child) child.text += text;
  });
  parser.on('closetag', () => {
    if (child) records.at(-1)!.children.push(child);
    child = undefined;
  });
  parser.write(xml).close();
  return { root: root!, records };
}

const textOf = (c: { text: string; encoding?: string }) =>
  c.encoding === 'base64' ? Buffer.from(c.text, 'base64').toString('utf8') : c.text;

/** The chain fields of an XML record, as verification reads them. */
function chainRecordOf(r: XmlRecord): StoredChainRecord {
  const all = (name: string) => r.children.filter((c) => c.name === name).map(textOf);
  const body = all('body')[0] ?? null;
  return {
    origin: r.attributes.origin,
    messageId: r.attributes['message-id'],
    ts: new Date(r.attributes.ts),
    direction: r.attributes.direction,
    sender: all('sender')[0],
    recipients: all('recipient'),
    room: all('room')[0] ?? null,
    contentType: all('content-type')[0],
    bodySha256: all('body-sha256')[0],
    seq: Number(r.attributes.seq),
    prevHash: r.attributes['prev-hash'],
    chainHash: r.attributes['chain-hash'],
    body,
    bodyDigestOfStoredBody: body === null ? undefined : createHash('sha256').update(body, 'utf8').digest('hex'),
  };
}

describe('message log export (e2e)', () => {
  const MANY = 1200; // more than two export pages of 500
  const AWKWARD_BODY = 'line one\r\nline two\u0001 <&> ]]>';
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  let c: ActiveMember;
  let from: string;
  let to: string;
  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  const text = (r: request.Test) =>
    r.buffer(true).parse((res, done) => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (s += chunk));
      res.on('end', () => done(null, s));
    });
  const memberExport = (m: ActiveMember, query: Record<string, string>) =>
    text(
      http()
        .get('/v1/message-log/export')
        .query({ from, to, ...query })
        .set(auth(m)),
    );
  const latestAudit = async (action: string) =>
    (await http().get('/admin/v1/audit').query({ action, limit: 1 }).set(operatorAuth).expect(200)).body.items[0];

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
    await hub.reset();
    [a, b, c] = await threeLoggingMembers(hub.app);
    from = minutesAgo(120);
    await logRecords(
      hub.app,
      a,
      Array.from({ length: MANY }, (_, i) => messageRecord(a.domain, b.domain, { timestamp: minutesAgo(100 - (i % 50)) })),
    );
    await logRecords(hub.app, a, [
      messageRecord(a.domain, c.domain, { messageId: 'awkward', body: AWKWARD_BODY, recipients: [`sip:carol@${c.domain}`] }),
      messageRecord(a.domain, b.domain, { messageId: 'digest-only', body: undefined, bodySha256: 'ab'.repeat(32) }),
    ]);
    await logRecords(hub.app, b, [messageRecord(b.domain, c.domain, { messageId: 'not-for-a', sender: `sip:bob@${b.domain}` })]);
    to = new Date(Date.now() + 60_000).toISOString();
  });
  afterAll(() => hub.close());

  it('should stream every visible record as JSON Lines, as an attachment', async () => {
    const res = await memberExport(a, { format: 'jsonl' }).expect(200);
    expect(res.headers['content-type']).toBe('application/jsonl; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="message-log-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.jsonl"$/);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const lines = (res.body as string)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(MANY + 2);
    expect(new Set(lines.map((l) => l.seq)).size).toBe(MANY + 2);
    expect(lines.map((l) => l.messageId)).not.toContain('not-for-a');
    expect(lines.find((l) => l.messageId === 'awkward').body).toBe(AWKWARD_BODY);
    expect(lines.find((l) => l.messageId === 'digest-only')).toMatchObject({ body: null, bodySha256: 'ab'.repeat(32) });
  });

  it('should stream a well-formed XML export from which the hash chain verifies', async () => {
    const res = await memberExport(a, { format: 'xml' }).expect(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/\.xml"$/);
    const { root, records } = parseExport(res.body as string);
    expect(root).toEqual({
      name: 'message-log',
      uri: MESSAGE_LOG_XML_NAMESPACE,
      attributes: expect.objectContaining({
        xmlns: MESSAGE_LOG_XML_NAMESPACE,
        hub: hub.config.hub.domain,
        for: a.domain,
        from,
        to,
        'chain-entry': 'pim-log-1',
      }),
    });
    expect(records).toHaveLength(MANY + 2);
    const chain = records.map(chainRecordOf).sort((x, y) => x.seq - y.seq);
    expect(verifyLogChain(chain, [])).toMatchObject({ ok: true, checkedRecords: MANY + 2, firstSeq: 1, lastSeq: MANY + 2 });
  });

  it('should carry a body that XML text cannot hold unchanged as base64, and a digest-only record without body', async () => {
    const { records } = parseExport((await memberExport(a, { format: 'xml', messageId: 'awkward' }).expect(200)).body as string);
    expect(records[0].children.find((ch) => ch.name === 'body')).toMatchObject({ encoding: 'base64' });
    expect(chainRecordOf(records[0]).body).toBe(AWKWARD_BODY);
    const digest = parseExport((await memberExport(a, { format: 'xml', messageId: 'digest-only' }).expect(200)).body as string);
    expect(digest.records[0].children.map((ch) => ch.name)).toEqual(['sender', 'recipient', 'content-type', 'body-sha256']);
  });

  it('should choose the format from Accept when no format is given, JSON Lines by default', async () => {
    const xml = await memberExport(c, {}).set('Accept', 'application/xml').expect(200);
    expect(xml.headers['content-type']).toContain('application/xml');
    expect(
      parseExport(xml.body as string)
        .records.map((r) => r.attributes['message-id'])
        .sort(),
    ).toEqual(['awkward', 'not-for-a']);
    const jsonl = await memberExport(c, {}).expect(200);
    expect(jsonl.headers['content-type']).toContain('application/jsonl');
  });

  it('should export an empty range as a document without records', async () => {
    const { root, records } = parseExport(
      (await memberExport(a, { format: 'xml', origin: 'nobody.example.com' }).expect(200)).body as string,
    );
    expect(root.attributes.origin).toBe('nobody.example.com');
    expect(records).toHaveLength(0);
    expect((await memberExport(a, { origin: 'nobody.example.com' }).expect(200)).body).toBe('');
  });

  it('should audit an operator export before it starts and with its row count when it ends', async () => {
    const res = await text(
      http().get('/admin/v1/message-log/export').query({ from, to, member: c.domain, format: 'jsonl' }).set(operatorAuth),
    ).expect(200);
    expect((res.body as string).trimEnd().split('\n')).toHaveLength(2);
    expect(await latestAudit('message-log.export')).toMatchObject({
      actor: { type: 'operator' },
      details: { filters: { member: c.domain, from, to }, format: 'jsonl', asOf: expect.any(String) },
    });
    // the end is recorded after the last chunk went out: give it a moment
    let finished;
    for (let i = 0; i < 50 && !finished; i++) {
      finished = await latestAudit('message-log.export-finished');
      if (!finished) await new Promise((r) => setTimeout(r, 20));
    }
    expect(finished).toMatchObject({ details: { filters: { member: c.domain }, format: 'jsonl', rows: 2, completed: true } });
  });

  it('should not audit member exports', async () => {
    const exportEntries = async () =>
      (
        await http().get('/admin/v1/audit').query({ actorType: 'member', limit: 100 }).set(operatorAuth).expect(200)
      ).body.items.filter((e: { action: string }) => e.action.startsWith('message-log.'));
    await memberExport(b, {}).expect(200);
    expect(await exportEntries()).toEqual([]);
  });

  it('should refuse exports without a bounded range or with a bad format (400 naming the field)', async () => {
    const name = async (query: Record<string, string | undefined>) => {
      const res = await http().get('/v1/message-log/export').query(query).set(auth(a)).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      return res.body.invalidParams.map((p: { name: string }) => p.name).sort();
    };
    expect(await name({ to })).toEqual(['from']);
    expect(await name({ from })).toEqual(['to']);
    expect(await name({ from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:01Z' })).toEqual(['to']);
    expect(await name({ from: to, to: from })).toEqual(['to']);
    expect(await name({ from, to, format: 'csv' })).toEqual(['format']);
    expect(await name({ from, to, participant: 'nope' })).toEqual(['participant']);
  });

  it('should refuse a member key on the operator export (403) and missing credentials (401)', async () => {
    await http().get('/admin/v1/message-log/export').query({ from, to }).set(auth(a)).expect(403);
    await http().get('/admin/v1/message-log/export').query({ from, to }).expect(401);
    await http().get('/v1/message-log/export').query({ from, to }).expect(401);
  });
});

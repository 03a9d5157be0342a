import { copyTextArray, copyValue } from './copy-text.js';
import { type LogRowContent, LogBatchText } from './log-batch-text.js';

const BATCH = '0b3c1f6e-4a7d-4c1e-9f0a-2d5e8b7c6a10';
const H1 = 'a1'.repeat(32);
const H2 = 'b2'.repeat(32);
const row: LogRowContent = {
  ts: '2026-12-01T06:00:00.123Z',
  messageId: 'm-1',
  direction: 'outbound',
  sender: 'sip:alice@a.example.com',
  recipients: ['sip:bob@b.example.org', 'xmpp:carol@b.example.org'],
  room: null,
  contentType: 'text/plain',
  body: 'hello\tworld\n',
  bodySha256: 'cd'.repeat(32),
  tags: ['n:a.example.com', 'u:sip:alice@a.example.com'],
};

/** The log row as the COPY text format spells it, field by field (LOG_COPY_COLUMNS order). */
function expectedLogLine(r: LogRowContent, seq: number, prev: string, chain: string): string {
  return (
    [
      BATCH,
      r.ts,
      'a.example.com',
      copyValue(r.messageId),
      r.direction,
      copyValue(r.sender),
      copyTextArray(r.recipients),
      copyValue(r.room),
      copyValue(r.contentType),
      copyValue(r.body),
      `\\\\x${r.bodySha256}`,
      copyTextArray(r.tags),
      String(seq).padStart(19, '0'),
      `\\\\x${prev}`,
      `\\\\x${chain}`,
    ].join('\t') + '\n'
  );
}

function batchOf(rows: LogRowContent[], plain: boolean): LogBatchText {
  const batch = new LogBatchText('a.example.com', BATCH);
  for (const r of rows) batch.add(r, plain);
  return batch;
}

describe('LogBatchText', () => {
  it('should write each row with its links in the holes, the body escaped', () => {
    const batch = batchOf([row], true);
    batch.setLinks(0, 42, H1, H2);
    expect(batch.logBytes().toString()).toBe(expectedLogLine(row, 42, H1, H2));
    expect(batch.keyBytes().toString()).toBe(`a.example.com\tm-1\t${row.ts}\t${'42'.padStart(19, '0')}\n`);
    expect(batch.messageIds).toEqual(['m-1']);
    batch.finish();
  });

  it('should write a plain row by concatenation exactly as the escaping path does', () => {
    const plain = batchOf([row, { ...row, messageId: 'm-2', recipients: [], room: 'xmpp:lobby@b.example.org' }], true);
    const escaped = batchOf([row, { ...row, messageId: 'm-2', recipients: [], room: 'xmpp:lobby@b.example.org' }], false);
    for (const b of [plain, escaped]) [0, 1].forEach((i) => b.setLinks(i, i + 1, H1, H2));
    expect(plain.logBytes().toString()).toBe(escaped.logBytes().toString());
    expect(plain.keyBytes().toString()).toBe(escaped.keyBytes().toString());
  });

  it('should escape every string of a row that is not plain', () => {
    const odd = {
      ...row,
      messageId: 'q\\"1',
      sender: 'sip:a\\b@a.example.com',
      recipients: ['sip:"x"@b.example.org'],
      contentType: 'text/plain;\tq=1',
    };
    const batch = batchOf([odd], false);
    batch.setLinks(0, 1, H1, H2);
    expect(batch.logBytes().toString()).toBe(expectedLogLine(odd, 1, H1, H2));
    expect(batch.keyBytes().toString()).toBe(`a.example.com\tq\\\\"1\t${row.ts}\t${'1'.padStart(19, '0')}\n`);
  });

  it('should keep the rows asked for, in order, with the links already set', () => {
    const rows = ['m-1', 'm-2', 'm-3'].map((messageId) => ({ ...row, messageId }));
    const batch = batchOf(rows, true);
    batch.setLinks(0, 7, H1, H2);
    batch.setLinks(2, 8, H2, H1);
    const kept = batch.only([0, 2]);
    expect(kept.messageIds).toEqual(['m-1', 'm-3']);
    expect(kept.logBytes().toString()).toBe(expectedLogLine(rows[0], 7, H1, H2) + expectedLogLine(rows[2], 8, H2, H1));
    expect(
      kept
        .keyBytes()
        .toString()
        .split('\n')
        .map((l) => l.split('\t')[1]),
    ).toEqual(['m-1', 'm-3', undefined]);
    // the source stays whole for another attempt
    expect(batch.messageIds).toHaveLength(3);
  });

  it('should refuse links that would not fit their holes', () => {
    const batch = batchOf([row], true);
    expect(() => batch.setLinks(0, 1, 'xyz', H2)).toThrow('64 hex digits');
    expect(() => batch.setLinks(0, 1, H1, `${H2}0`)).toThrow('64 hex digits');
    expect(() => batch.setLinks(0, 0, H1, H2)).toThrow('no seq 0');
    expect(() => batch.setLinks(0, 2 ** 53, H1, H2)).toThrow('no seq');
  });
});

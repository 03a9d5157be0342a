import { createHash } from 'node:crypto';
import { canonicalJson } from '@app/common';
import { linkHash } from '@app/interconnect';
import {
  canonicalRecord,
  chainEntry,
  isPlainRecord,
  PendingChainEntries,
  type ChainCheckpoint,
  GENESIS_HASH,
  LogChainVerifier,
  recordHash,
  type StoredChainRecord,
  verifyLogChain,
} from './record-chain.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** A correctly chained run of `n` records of a.example.com from seq 1. */
function chain(n: number): StoredChainRecord[] {
  const records: StoredChainRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const body = `hello ${seq}`;
    const fields = {
      origin: 'a.example.com',
      messageId: `m-${seq}`,
      ts: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      direction: 'outbound',
      sender: 'sip:alice@a.example.com',
      recipients: ['sip:bob@b.example.org'],
      room: null,
      contentType: 'text/plain',
      bodySha256: sha256(body),
    };
    const chainHash = recordHash(prevHash, fields);
    records.push({ ...fields, seq, prevHash, chainHash, bodyDigestOfStoredBody: sha256(body) });
    prevHash = chainHash;
  }
  return records;
}

/** What retention leaves of `records` after removing fromSeq..toSeq, and its checkpoint. */
function removed(records: StoredChainRecord[], fromSeq: number, toSeq: number, signatureValid = true) {
  const checkpoint: ChainCheckpoint = {
    fromSeq,
    toSeq,
    hashBefore: records[fromSeq - 1].prevHash,
    hashAfter: records[toSeq - 1].chainHash,
    signatureValid,
  };
  return { rest: records.filter((r) => r.seq < fromSeq || r.seq > toSeq), checkpoint };
}

describe(verifyLogChain.name, () => {
  it('should accept an intact chain from its start', () => {
    expect(verifyLogChain(chain(5), [])).toEqual({ ok: true, checkedRecords: 5, checkedCheckpoints: 0, firstSeq: 1, lastSeq: 5 });
  });

  it('should take the first link of a range that starts later as given', () => {
    expect(verifyLogChain(chain(5).slice(2), [], { expectFrom: 3, expectTo: 5 })).toMatchObject({ ok: true, firstSeq: 3 });
  });

  it('should report a record whose content was edited', () => {
    const records = chain(4);
    records[2] = { ...records[2], sender: 'sip:mallory@a.example.com' };
    expect(verifyLogChain(records, []).brokenAt).toMatchObject({ seq: 3, messageId: 'm-3', reason: 'hash-mismatch' });
  });

  it('should report a stored body that no longer matches its digest', () => {
    const records = chain(4);
    records[1] = { ...records[1], bodyDigestOfStoredBody: sha256('x') };
    expect(verifyLogChain(records, []).brokenAt).toMatchObject({ seq: 2, reason: 'body-digest-mismatch' });
  });

  it('should report an edited chain hash at the next link', () => {
    const records = chain(4);
    records[1] = { ...records[1], chainHash: 'ab'.repeat(32) };
    expect(verifyLogChain(records, []).brokenAt).toMatchObject({ seq: 2, reason: 'hash-mismatch' });
  });

  it('should report a first record that does not start from the genesis hash', () => {
    const records = chain(2);
    records[0] = { ...records[0], prevHash: 'cd'.repeat(32) };
    expect(verifyLogChain(records, []).brokenAt).toMatchObject({ seq: 1, reason: 'prev-hash-mismatch' });
  });

  it('should report a deleted record as a gap', () => {
    const records = chain(5).filter((r) => r.seq !== 3);
    expect(verifyLogChain(records, []).brokenAt).toMatchObject({ seq: 3, reason: 'seq-gap' });
  });

  it('should report records deleted at the start or the end of the expected range', () => {
    expect(verifyLogChain(chain(5).slice(1), [], { expectFrom: 1, expectTo: 5 }).brokenAt).toMatchObject({
      seq: 1,
      reason: 'seq-gap',
    });
    expect(verifyLogChain(chain(5).slice(0, 4), [], { expectFrom: 1, expectTo: 5 }).brokenAt).toMatchObject({
      seq: 5,
      reason: 'seq-gap',
    });
  });

  it('should report a chain that does not end at the recorded head', () => {
    const records = chain(3);
    expect(verifyLogChain(records, [], { head: { seq: 3, hash: records[2].chainHash } }).ok).toBe(true);
    expect(verifyLogChain(records, [], { head: { seq: 3, hash: 'ef'.repeat(32) } }).brokenAt).toMatchObject({
      seq: 3,
      reason: 'head-mismatch',
    });
  });

  it('should bridge a gap covered by a signed checkpoint', () => {
    const { rest, checkpoint } = removed(chain(8), 3, 5);
    expect(verifyLogChain(rest, [checkpoint], { expectFrom: 1, expectTo: 8 })).toEqual({
      ok: true,
      checkedRecords: 5,
      checkedCheckpoints: 1,
      firstSeq: 1,
      lastSeq: 8,
    });
  });

  it('should bridge a removed chain start and adjacent checkpoints', () => {
    const records = chain(8);
    const first = removed(records, 1, 2);
    const second = removed(records, 3, 4);
    const rest = records.filter((r) => r.seq > 4);
    expect(verifyLogChain(rest, [second.checkpoint, first.checkpoint], { expectFrom: 1, expectTo: 8 })).toMatchObject({
      ok: true,
      checkedCheckpoints: 2,
    });
  });

  it('should report a checkpoint whose signature does not verify', () => {
    const { rest, checkpoint } = removed(chain(6), 2, 3, false);
    expect(verifyLogChain(rest, [checkpoint]).brokenAt).toMatchObject({ seq: 2, reason: 'checkpoint-signature-invalid' });
  });

  it('should report a checkpoint that does not fit the links around it', () => {
    const { rest, checkpoint } = removed(chain(6), 2, 3);
    expect(verifyLogChain(rest, [{ ...checkpoint, hashBefore: '12'.repeat(32) }]).brokenAt).toMatchObject({
      seq: 2,
      reason: 'checkpoint-mismatch',
    });
    expect(verifyLogChain(rest, [{ ...checkpoint, hashAfter: '34'.repeat(32) }]).brokenAt).toMatchObject({
      seq: 4,
      reason: 'prev-hash-mismatch',
    });
  });

  it('should report a checkpoint covering records that are still there', () => {
    const records = chain(6);
    const { checkpoint } = removed(records, 2, 4);
    expect(verifyLogChain(records, [checkpoint]).brokenAt).toMatchObject({ reason: 'seq-overlap' });
  });
});

describe(LogChainVerifier.name, () => {
  it('should give the same report fed page by page as all at once', () => {
    const { rest, checkpoint } = removed(chain(10), 4, 6);
    const verifier = new LogChainVerifier({ expectFrom: 1, expectTo: 10 });
    for (const record of rest.slice(0, 3)) verifier.add({ record });
    verifier.add({ checkpoint });
    for (const record of rest.slice(3)) verifier.add({ record });
    expect(verifier.finish()).toEqual(verifyLogChain(rest, [checkpoint], { expectFrom: 1, expectTo: 10 }));
  });

  it('should ignore what follows the first break', () => {
    const records = chain(4);
    const verifier = new LogChainVerifier();
    verifier.add({ record: records[0] });
    expect(verifier.add({ record: records[2] })).toBe(false);
    expect(verifier.add({ record: records[3] })).toBe(false);
    expect(verifier.finish()).toMatchObject({ ok: false, checkedRecords: 1, brokenAt: { seq: 2, reason: 'seq-gap' } });
  });
});

describe('canonicalRecord', () => {
  const base = {
    origin: 'a.example.com',
    messageId: 'm-1',
    ts: new Date('2026-12-01T06:00:00.123Z'),
    direction: 'outbound',
    sender: 'sip:alice@a.example.com',
    recipients: ['sip:bob@b.example.org'],
    room: null,
    contentType: 'text/plain',
    bodySha256: 'ab'.repeat(32),
  };

  it.each([
    ['plain', {}],
    ['quotes, backslashes and controls', { messageId: 'q"\\\u0001\u001f' }],
    ['non-ASCII and astral characters', { sender: 'xmpp:ünïcødé😀@a.example.com', recipients: [] }],
    ['a literal backslash before ud8', { messageId: '\\ud800' }],
    ['a room', { room: 'xmpp:lobby@conference.b.example.org' }],
  ])('should give the RFC 8785 form of the chain entry (%s)', (_name, change) => {
    const r = { ...base, ...change };
    expect(canonicalRecord(r)).toBe(canonicalJson(chainEntry(r)));
  });

  it('should refuse a lone surrogate as canonicalJson does', () => {
    expect(() => canonicalRecord({ ...base, messageId: 'x\ud800y' })).toThrow('lone surrogate');
  });

  it.each([
    ['a Date', {}],
    ['the ISO text of the timestamp', { ts: '2026-12-01T06:00:00.123Z' }],
    ['a room and no recipients', { room: 'xmpp:lobby@conference.b.example.org', recipients: [] }],
    ['several recipients', { recipients: ['sip:bob@b.example.org', 'xmpp:carol@c.example.net'] }],
  ])('should write a plain entry by concatenation as RFC 8785 does (%s)', (_name, change) => {
    const r = { ...base, ...change };
    expect(isPlainRecord(r)).toBe(true);
    expect(canonicalRecord(r, true)).toBe(canonicalJson(chainEntry(r)));
  });

  it.each([
    ['a quote', { messageId: 'm"1' }],
    ['a backslash', { sender: 'sip:a\\b@a.example.com' }],
    ['a control character', { contentType: 'text/plain;\tq=1' }],
    ['an astral character', { recipients: ['xmpp:😀@b.example.org'] }],
    ['a lone surrogate', { room: 'xmpp:\udc00@b.example.org' }],
  ])('should not call an entry with %s plain', (_name, change) => {
    expect(isPlainRecord({ ...base, ...change })).toBe(false);
  });
});

describe('PendingChainEntries', () => {
  it('should link each entry as linkHash does, whatever hash it follows', () => {
    const entries = new PendingChainEntries();
    const texts = ['["pim-log-1","a"]', '["pim-log-1","ünïcødé 😀"]', '[]'];
    texts.forEach((t) => entries.add(t));
    let prev = GENESIS_HASH;
    texts.forEach((t, i) => {
      const next = entries.link(i, prev);
      expect(next).toBe(linkHash(prev, t));
      prev = next;
    });
    // a redo links the same entry after another hash
    expect(entries.link(1, GENESIS_HASH)).toBe(linkHash(GENESIS_HASH, texts[1]));
    expect(() => entries.link(0, 'abc')).toThrow('64 hex');
    entries.release();
  });
});

import { hash } from 'node:crypto';
import { ReusableBuffer } from '@app/db';
import { canonicalJson } from '@app/common';
import { GENESIS_HASH, linkHash } from '@app/interconnect';

/**
 * Each origin member's records form a hash chain (tamper evidence):
 * `chain_hash = SHA-256(prev_hash || canonicalJson(entry))` with the shared hash-chain function of
 * the transparency log, where `entry` is the array below. Anyone holding an export can recompute
 * it. The body is covered through its SHA-256, so a record logged by digest verifies the same way.
 * The position (seq) is not in the entry: the links fix the order, and leaving it out lets the
 * canonical form be computed before the chain head is locked.
 */
export const CHAIN_ENTRY_VERSION = 'pim-log-1';

export interface ChainedFields {
  origin: string;
  messageId: string;
  /** a Date, or its ISO 8601 text in UTC as toISOString() writes it */
  ts: Date | string;
  direction: string;
  sender: string;
  recipients: readonly string[];
  room: string | null;
  contentType: string;
  bodySha256: string;
}

const isoText = (ts: Date | string): string => (typeof ts === 'string' ? ts : ts.toISOString());

export function chainEntry(r: ChainedFields): unknown[] {
  return [
    CHAIN_ENTRY_VERSION,
    r.origin,
    r.messageId,
    isoText(r.ts),
    r.direction,
    r.sender,
    r.recipients,
    r.room,
    r.contentType,
    r.bodySha256,
  ];
}

// JSON.stringify writes a lone surrogate as a \udXXX escape; a match may also be a literal
// backslash before "ud8…", in which case canonicalJson gives the same text, only slower
const ESCAPED_SURROGATE = /\\ud[89a-f]/;
// what JSON.stringify or COPY text would escape, and surrogates (paired or not): none of it in a
// plain string, which both write as it is (JSON between quotes); controls are what it looks for
// eslint-disable-next-line no-control-regex
const NOT_PLAIN = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Whether every string of the entry is plain (the usual case: ASCII identifiers and URIs), so
 * that canonicalRecord and the COPY text of the row may be written by concatenation. The caller
 * tests once and passes the answer to both. Only the strings a member chooses freely are tested:
 * the origin is a member's domain name, the direction one of two words, the digest hex and the
 * timestamp ISO 8601 text, all checked before.
 */
export function isPlainRecord(r: ChainedFields): boolean {
  const { recipients } = r;
  for (let i = 0; i < recipients.length; i++) if (NOT_PLAIN.test(recipients[i])) return false;
  return (
    !NOT_PLAIN.test(r.messageId) &&
    !NOT_PLAIN.test(r.sender) &&
    (r.room === null || !NOT_PLAIN.test(r.room)) &&
    !NOT_PLAIN.test(r.contentType)
  );
}

/**
 * The canonical form hashed into the chain (RFC 8785 JSON of chainEntry). The entry holds only
 * strings, an array of strings and null, for which RFC 8785 and JSON.stringify write the same
 * bytes unless a string has a lone surrogate (which canonicalJson refuses); the hot path
 * therefore stringifies directly and leaves that case to the general serializer. For an entry
 * whose strings are all plain (isPlainRecord), both amount to quoting and joining them.
 */
export function canonicalRecord(r: ChainedFields, plain = false): string {
  if (plain) {
    const { recipients, room } = r;
    return (
      `["${CHAIN_ENTRY_VERSION}","${r.origin}","${r.messageId}","${isoText(r.ts)}","${r.direction}","${r.sender}",` +
      (recipients.length === 0 ? '[]' : `["${recipients.join('","')}"]`) +
      (room === null ? ',null,"' : `,"${room}","`) +
      `${r.contentType}","${r.bodySha256}"]`
    );
  }
  const entry = chainEntry(r);
  const text = JSON.stringify(entry);
  return ESCAPED_SURROGATE.test(text) ? canonicalJson(entry) : text;
}

/**
 * The canonical entries of a batch's records, kept as bytes until the chain head is locked, each
 * after a hole for the hash it links to: linking a record then hashes bytes already in place.
 */
export class PendingChainEntries {
  private readonly bytes = new ReusableBuffer();
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  add(canonical: string): void {
    this.starts.push(this.bytes.reserve(GENESIS_HASH.length));
    this.bytes.write(canonical);
    this.ends.push(this.bytes.length);
  }

  /** linkHash(prevHash, entry i): the chain hash of entry i after prevHash (hex). */
  link(i: number, prevHash: string): string {
    if (prevHash.length !== GENESIS_HASH.length) throw new Error('link: prevHash is 64 hex digits');
    this.bytes.writeAt(this.starts[i], prevHash);
    return hash('sha256', this.bytes.view(this.starts[i], this.ends[i]), 'hex');
  }

  /** Nothing but this object reads the bytes, so they always go back to the pool. */
  release(): void {
    this.bytes.release();
  }
}

export function recordHash(prevHash: string, r: ChainedFields): string {
  return linkHash(prevHash, canonicalRecord(r));
}

export { GENESIS_HASH };

/** A stored record as verification reads it (hashes in hex). */
export interface StoredChainRecord extends ChainedFields {
  seq: number;
  prevHash: string;
  chainHash: string;
  /** the stored body (not needed: verification compares bodyDigestOfStoredBody) */
  body?: string | null;
  /** SHA-256 (hex) of the stored body, when the record carries one: it must still match bodySha256 */
  bodyDigestOfStoredBody?: string;
}

/** Records removed by retention, attested by a hub-signed checkpoint. */
export interface ChainCheckpoint {
  fromSeq: number;
  toSeq: number;
  hashBefore: string;
  hashAfter: string;
  /** whether the hub's signature over the checkpoint verified */
  signatureValid: boolean;
}

export type LogChainBreak =
  | 'seq-gap'
  | 'seq-overlap'
  | 'prev-hash-mismatch'
  | 'hash-mismatch'
  | 'body-digest-mismatch'
  | 'checkpoint-signature-invalid'
  | 'checkpoint-mismatch'
  | 'head-mismatch';

export interface LogChainReport {
  ok: boolean;
  checkedRecords: number;
  checkedCheckpoints: number;
  firstSeq: number | null;
  lastSeq: number | null;
  brokenAt?: { seq: number; messageId?: string; reason: LogChainBreak; detail: string };
}

/** What the walked range must cover, when known (a range of a chain whose head is known). */
export interface LogChainBounds {
  /** the first seq of the range: the first record must be this one, or a checkpoint must cover it */
  expectFrom?: number;
  /** the last seq of the range (at most the head): the walk must reach it */
  expectTo?: number;
  /** the chain head: a walk that reaches head.seq must end at head.hash */
  head?: { seq: number; hash: string };
}

export type LogChainItem = { record: StoredChainRecord } | { checkpoint: ChainCheckpoint };

/**
 * Walks records and checkpoints of one origin, fed in seq order (so a long range can be read page
 * by page). The first element's link is taken as given (its `prevHash`, or the checkpoint's
 * `hashBefore`) unless it is the chain start (seq 1), which must link to the genesis hash; every
 * later link is checked. A missing seq that no checkpoint covers is a break: a record was deleted
 * outside retention. The first break stops the walk.
 */
export class LogChainVerifier {
  private readonly report: LogChainReport = {
    ok: true,
    checkedRecords: 0,
    checkedCheckpoints: 0,
    firstSeq: null,
    lastSeq: null,
  };
  private expectedSeq: number | null = null;
  private expectedPrev: string | null = null;

  constructor(private readonly bounds: LogChainBounds = {}) {}

  get broken(): boolean {
    return !this.report.ok;
  }

  /** Checks the next item; false once the chain is broken (later items are ignored). */
  add(item: LogChainItem): boolean {
    if (!this.report.ok) return false;
    const from = 'record' in item ? item.record.seq : item.checkpoint.fromSeq;
    if (this.expectedSeq === null) {
      this.report.firstSeq = from;
      const start = this.bounds.expectFrom;
      const covers = 'record' in item ? from === start : from <= (start ?? from) && (start ?? from) <= item.checkpoint.toSeq;
      if (start !== undefined && !covers) {
        return this.fail(start, 'seq-gap', `seq ${start} is missing (first present: ${from}) and no checkpoint covers it`);
      }
    } else if (from > this.expectedSeq) {
      return this.fail(
        this.expectedSeq,
        'seq-gap',
        `seq ${this.expectedSeq} is missing (next present: ${from}) and no checkpoint covers it`,
      );
    } else if (from < this.expectedSeq) {
      return this.fail(from, 'seq-overlap', `seq ${from} is present again after seq ${this.expectedSeq - 1}`);
    }
    return 'record' in item ? this.addRecord(item.record) : this.addCheckpoint(item.checkpoint);
  }

  /** The report; checks that the walk reached the end of the range and, there, the head. */
  finish(): LogChainReport {
    const { expectFrom, expectTo, head } = this.bounds;
    if (this.report.ok && expectTo !== undefined) {
      const reached = this.report.lastSeq ?? (expectFrom ?? 1) - 1;
      if (reached < expectTo) {
        this.fail(
          reached + 1,
          'seq-gap',
          `seq ${reached + 1} is missing (the range ends at ${expectTo}) and no checkpoint covers it`,
        );
      }
    }
    if (this.report.ok && head && this.report.lastSeq === head.seq && this.expectedPrev !== head.hash) {
      this.fail(head.seq, 'head-mismatch', `the chain ends at ${this.expectedPrev}, not at the recorded head ${head.hash}`);
    }
    return { ...this.report, ...(this.report.brokenAt ? { brokenAt: { ...this.report.brokenAt } } : {}) };
  }

  private addRecord(r: StoredChainRecord): boolean {
    const prev = this.expectedPrev ?? (r.seq === 1 ? GENESIS_HASH : r.prevHash);
    if (r.prevHash !== prev)
      return this.fail(r.seq, 'prev-hash-mismatch', `prev_hash ${r.prevHash} should be ${prev}`, r.messageId);
    if (r.bodyDigestOfStoredBody !== undefined && r.bodyDigestOfStoredBody !== r.bodySha256) {
      return this.fail(r.seq, 'body-digest-mismatch', 'the stored body does not match its body_sha256', r.messageId);
    }
    const computed = recordHash(r.prevHash, r);
    if (computed !== r.chainHash)
      return this.fail(r.seq, 'hash-mismatch', `chain_hash ${r.chainHash} should be ${computed}`, r.messageId);
    this.expectedPrev = r.chainHash;
    this.expectedSeq = r.seq + 1;
    this.report.checkedRecords++;
    this.report.lastSeq = r.seq;
    return true;
  }

  private addCheckpoint(c: ChainCheckpoint): boolean {
    if (!c.signatureValid) {
      return this.fail(c.fromSeq, 'checkpoint-signature-invalid', `checkpoint ${c.fromSeq}..${c.toSeq} is not signed by the hub`);
    }
    if (c.toSeq < c.fromSeq) return this.fail(c.fromSeq, 'checkpoint-mismatch', `checkpoint ${c.fromSeq}..${c.toSeq} is empty`);
    const prev = this.expectedPrev ?? (c.fromSeq === 1 ? GENESIS_HASH : c.hashBefore);
    if (c.hashBefore !== prev) {
      return this.fail(
        c.fromSeq,
        'checkpoint-mismatch',
        `checkpoint ${c.fromSeq}..${c.toSeq} starts from ${c.hashBefore}, not ${prev}`,
      );
    }
    this.expectedPrev = c.hashAfter;
    this.expectedSeq = c.toSeq + 1;
    this.report.checkedCheckpoints++;
    this.report.lastSeq = c.toSeq;
    return true;
  }

  private fail(seq: number, reason: LogChainBreak, detail: string, messageId?: string): false {
    this.report.ok = false;
    this.report.brokenAt = { seq, messageId, reason, detail };
    return false;
  }
}

/** Verifies records and checkpoints of one origin held in memory (see LogChainVerifier). */
export function verifyLogChain(
  records: readonly StoredChainRecord[],
  checkpoints: readonly ChainCheckpoint[],
  bounds: LogChainBounds = {},
): LogChainReport {
  const items: Array<{ from: number; item: LogChainItem }> = [
    ...records.map((record) => ({ from: record.seq, item: { record } })),
    ...checkpoints.map((checkpoint) => ({ from: checkpoint.fromSeq, item: { checkpoint } })),
  ].sort((a, b) => a.from - b.from);
  const verifier = new LogChainVerifier(bounds);
  for (const { item } of items) if (!verifier.add(item)) break;
  return verifier.finish();
}

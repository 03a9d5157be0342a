import { canonicalJson, GENESIS_HASH, linkHash } from '@app/interconnect';

/**
 * Each origin member's records form a hash chain (issue 5, tamper evidence):
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
  ts: Date;
  direction: string;
  sender: string;
  recipients: readonly string[];
  room: string | null;
  contentType: string;
  bodySha256: string;
}

export function chainEntry(r: ChainedFields): unknown[] {
  return [
    CHAIN_ENTRY_VERSION,
    r.origin,
    r.messageId,
    r.ts.toISOString(),
    r.direction,
    r.sender,
    [...r.recipients],
    r.room,
    r.contentType,
    r.bodySha256,
  ];
}

/** The canonical form hashed into the chain (RFC 8785 JSON of chainEntry). */
export function canonicalRecord(r: ChainedFields): string {
  return canonicalJson(chainEntry(r));
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
  /** the stored body, when the record carries one: it must still match bodySha256 */
  body: string | null;
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
  | 'prev-hash-mismatch'
  | 'hash-mismatch'
  | 'body-digest-mismatch'
  | 'checkpoint-signature-invalid'
  | 'checkpoint-mismatch';

export interface LogChainReport {
  ok: boolean;
  checkedRecords: number;
  checkedCheckpoints: number;
  firstSeq: number | null;
  lastSeq: number | null;
  brokenAt?: { seq: number; messageId?: string; reason: LogChainBreak; detail: string };
}

/**
 * Walks records and checkpoints of one origin in seq order from `firstSeq`. The first element's
 * link is taken as given (its `prevHash`, or the checkpoint's `hashBefore`) unless it is the chain
 * start (seq 1), which must link to the genesis hash; every later link is checked. A missing seq
 * that no checkpoint covers is a break: a record was deleted outside retention.
 */
export function verifyLogChain(records: readonly StoredChainRecord[], checkpoints: readonly ChainCheckpoint[]): LogChainReport {
  type Item = { from: number; record?: StoredChainRecord; checkpoint?: ChainCheckpoint };
  const items: Item[] = [
    ...records.map((r) => ({ from: r.seq, record: r })),
    ...checkpoints.map((c) => ({ from: c.fromSeq, checkpoint: c })),
  ].sort((a, b) => a.from - b.from);
  const report: LogChainReport = {
    ok: true,
    checkedRecords: 0,
    checkedCheckpoints: 0,
    firstSeq: items[0]?.from ?? null,
    lastSeq: null,
  };
  let expectedSeq: number | null = null;
  let expectedPrev: string | null = null;
  const fail = (seq: number, reason: LogChainBreak, detail: string, messageId?: string): LogChainReport => ({
    ...report,
    ok: false,
    brokenAt: { seq, messageId, reason, detail },
  });
  for (const item of items) {
    if (expectedSeq !== null && item.from !== expectedSeq) {
      return fail(
        expectedSeq,
        'seq-gap',
        `seq ${expectedSeq} is missing (next present: ${item.from}) and no checkpoint covers it`,
      );
    }
    if (item.record) {
      const r = item.record;
      const prev = expectedPrev ?? (r.seq === 1 ? GENESIS_HASH : r.prevHash);
      if (r.prevHash !== prev) return fail(r.seq, 'prev-hash-mismatch', `prev_hash ${r.prevHash} should be ${prev}`, r.messageId);
      if (r.bodyDigestOfStoredBody !== undefined && r.bodyDigestOfStoredBody !== r.bodySha256) {
        return fail(r.seq, 'body-digest-mismatch', 'the stored body does not match its body_sha256', r.messageId);
      }
      const computed = recordHash(r.prevHash, r);
      if (computed !== r.chainHash)
        return fail(r.seq, 'hash-mismatch', `chain_hash ${r.chainHash} should be ${computed}`, r.messageId);
      expectedPrev = r.chainHash;
      expectedSeq = r.seq + 1;
      report.checkedRecords++;
      report.lastSeq = r.seq;
    } else {
      const c = item.checkpoint as ChainCheckpoint;
      if (!c.signatureValid)
        return fail(c.fromSeq, 'checkpoint-signature-invalid', `checkpoint ${c.fromSeq}..${c.toSeq} is not signed by the hub`);
      const prev = expectedPrev ?? (c.fromSeq === 1 ? GENESIS_HASH : c.hashBefore);
      if (c.hashBefore !== prev) {
        return fail(
          c.fromSeq,
          'checkpoint-mismatch',
          `checkpoint ${c.fromSeq}..${c.toSeq} starts from ${c.hashBefore}, not ${prev}`,
        );
      }
      expectedPrev = c.hashAfter;
      expectedSeq = c.toSeq + 1;
      report.checkedCheckpoints++;
      report.lastSeq = c.toSeq;
    }
  }
  return report;
}

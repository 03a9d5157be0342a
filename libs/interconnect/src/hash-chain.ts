import { hash } from 'node:crypto';
import { canonicalJson } from '@app/common';

/**
 * Hash chains (the transparency log here, message-log records elsewhere):
 * `hash = hex(SHA-256(prevHash || canonicalJson(entry)))`, with `prevHash` of the first entry the
 * GENESIS_HASH. Anyone holding the entries can re-compute the chain with nothing but SHA-256 and
 * RFC 8785 canonical JSON.
 */
export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(prevHash: string, entry: unknown): string {
  return linkHash(prevHash, canonicalJson(entry));
}

/** chainHash for an entry already in canonical form (computed ahead, outside a lock). */
export function linkHash(prevHash: string, canonicalEntry: string): string {
  // one-shot hash: no Hash object per link
  return hash('sha256', prevHash + canonicalEntry, 'hex');
}

export interface ChainEntry {
  seq: number;
  prevHash: string;
  hash: string;
  entry: unknown;
}

export type ChainBreak = 'seq-not-increasing' | 'prev-hash-mismatch' | 'hash-mismatch' | 'head-mismatch';

export type ChainVerification = { ok: true } | { ok: false; brokenAt: number; reason: ChainBreak; detail: string };

export interface VerifyChainOptions {
  /** The `prevHash` the first entry must carry: GENESIS_HASH for a whole chain, or a trusted checkpoint's hash. */
  initialHash?: string;
  /**
   * A head obtained independently (e.g. published or signed earlier). Without it, dropping
   * entries from the END of a chain cannot be detected; everything else can.
   */
  head?: { seq: number; hash: string };
}

/**
 * Verifies entries in the order given (ascending `seq`; gaps in `seq` are allowed, as database
 * sequences have them, because the links are by hash). Reports the first entry that does not fit:
 *   seq-not-increasing  seq is not greater than the previous entry's
 *   prev-hash-mismatch  prevHash is not the previous entry's hash (an entry was removed, inserted or reordered)
 *   hash-mismatch       hash is not chainHash(prevHash, entry) (the entry or its hash was altered)
 *   head-mismatch       the chain does not end at the expected head
 */
export function verifyChain(entries: ChainEntry[], options: VerifyChainOptions = {}): ChainVerification {
  let expectedPrev = options.initialHash ?? GENESIS_HASH;
  let lastSeq = -Infinity;
  for (const e of entries) {
    if (!(e.seq > lastSeq)) return broken(e.seq, 'seq-not-increasing', `seq ${e.seq} follows ${lastSeq}`);
    if (e.prevHash !== expectedPrev) {
      return broken(e.seq, 'prev-hash-mismatch', `prevHash ${e.prevHash} should be ${expectedPrev}`);
    }
    const hash = chainHash(e.prevHash, e.entry);
    if (e.hash !== hash) return broken(e.seq, 'hash-mismatch', `hash ${e.hash} should be ${hash}`);
    expectedPrev = hash;
    lastSeq = e.seq;
  }
  const { head } = options;
  if (head && (head.seq !== lastSeq || head.hash !== expectedPrev)) {
    const end = entries.length === 0 ? 'the chain is empty' : `the chain ends at seq ${lastSeq} with ${expectedPrev}`;
    return broken(head.seq, 'head-mismatch', `${end}, not at the expected head seq ${head.seq}`);
  }
  return { ok: true };
}

function broken(brokenAt: number, reason: ChainBreak, detail: string): ChainVerification {
  return { ok: false, brokenAt, reason, detail };
}

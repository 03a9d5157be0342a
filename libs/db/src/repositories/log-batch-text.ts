import { copyByteaHex, copyTextArray, copyValue, plainCopyTextArray, plainCopyValue } from './copy-text.js';
import { ReusableBuffer } from './reusable-buffer.js';

/** One record to append, before its chain position and links are known (hashes in hex). */
export interface LogRowContent {
  /** ISO 8601 in UTC, as toISOString() writes it */
  ts: string;
  messageId: string;
  direction: string;
  sender: string;
  recipients: readonly string[];
  room: string | null;
  contentType: string;
  body: string | null;
  bodySha256: string;
  tags: readonly string[];
}

/** Columns of a batch's COPY into message_log: what the chain head decides comes last. */
export const LOG_COPY_COLUMNS =
  'batch_id, ts, origin, message_id, direction, sender, recipients, room, content_type, body, body_sha256, tags, seq, prev_hash, chain_hash';
export const KEYS_COPY_COLUMNS = 'origin, message_id, ts, seq';

// A bigint has at most 19 digits; COPY reads zero-padded digits as the same number, so every
// row's seq fits a hole of the same width.
const SEQ_DIGITS = 19;
const HASH_HEX = 64;
const BYTEA_HEX = '\t\\\\x';
const LOG_TAIL_BYTES = SEQ_DIGITS + BYTEA_HEX.length + HASH_HEX + BYTEA_HEX.length + HASH_HEX + 1;
const KEY_TAIL_BYTES = SEQ_DIGITS + 1;

/**
 * The COPY text of one batch for message_log_keys and message_log, written record by record as
 * the batch is checked, before the origin's chain head is locked. What only the lock tells (each
 * row's seq and chain links) goes into fixed-width holes at the end of each row, filled by
 * setLinks. Held as bytes, not strings (see ReusableBuffer).
 */
export class LogBatchText {
  /** Message id of each row, in order. */
  readonly messageIds: string[] = [];
  private readonly log = new ReusableBuffer();
  private readonly keys = new ReusableBuffer();
  private readonly logHoles: number[] = [];
  private readonly keyHoles: number[] = [];
  private readonly originText: string;
  private readonly logPrefix: string;
  private readonly keyOrigin: string;
  private copied = false;

  constructor(
    private readonly origin: string,
    readonly batchId: string,
  ) {
    this.originText = copyValue(origin);
    this.logPrefix = `${batchId}\t`;
    this.keyOrigin = `${this.originText}\t`;
  }

  get rows(): number {
    return this.messageIds.length;
  }

  /**
   * Adds a row. `plain` says that no string but the body needs escaping (isPlainRecord of the
   * message-log library, tested once for this text and the chain entry): its strings are then
   * written without testing them again.
   */
  add(row: LogRowContent, plain = false): void {
    const value = plain ? plainCopyValue : copyValue;
    const array = plain ? plainCopyTextArray : copyTextArray;
    const idText = value(row.messageId);
    this.log.write(
      `${this.logPrefix}${row.ts}\t${this.originText}\t${idText}\t${row.direction}\t${value(row.sender)}\t` +
        `${array(row.recipients)}\t${value(row.room)}\t${value(row.contentType)}\t${copyValue(row.body)}\t` +
        `${copyByteaHex(row.bodySha256)}\t${array(row.tags)}\t`,
    );
    this.logHoles.push(this.log.reserve(LOG_TAIL_BYTES));
    this.keys.write(`${this.keyOrigin}${idText}\t${row.ts}\t`);
    this.keyHoles.push(this.keys.reserve(KEY_TAIL_BYTES));
    this.messageIds.push(row.messageId);
  }

  /**
   * Row i's position in the chain and its links: SHA-256 digests in hex, as node:crypto writes them
   * (only their length is checked here, on the hot path; a wrong digit would fail the COPY).
   */
  setLinks(i: number, seq: number, prevHash: string, chainHash: string): void {
    if (prevHash.length !== HASH_HEX || chainHash.length !== HASH_HEX) throw new Error('setLinks: hashes are 64 hex digits');
    const digits = String(seq);
    if (!Number.isSafeInteger(seq) || seq < 1 || digits.length > SEQ_DIGITS) throw new Error(`setLinks: no seq ${seq}`);
    const seqText = digits.padStart(SEQ_DIGITS, '0');
    this.log.writeAt(this.logHoles[i], `${seqText}${BYTEA_HEX}${prevHash}${BYTEA_HEX}${chainHash}\n`);
    this.keys.writeAt(this.keyHoles[i], `${seqText}\n`);
  }

  /** A new batch of rows `keep` of this one, in that order (links set so far included); both need finish. */
  only(keep: readonly number[]): LogBatchText {
    const other = new LogBatchText(this.origin, this.batchId);
    for (const i of keep) {
      const logStart = i === 0 ? 0 : this.logHoles[i - 1] + LOG_TAIL_BYTES;
      const keyStart = i === 0 ? 0 : this.keyHoles[i - 1] + KEY_TAIL_BYTES;
      other.logHoles.push(other.log.length + this.logHoles[i] - logStart);
      other.keyHoles.push(other.keys.length + this.keyHoles[i] - keyStart);
      other.log.copyFrom(this.log, logStart, this.logHoles[i] + LOG_TAIL_BYTES);
      other.keys.copyFrom(this.keys, keyStart, this.keyHoles[i] + KEY_TAIL_BYTES);
      other.messageIds.push(this.messageIds[i]);
    }
    return other;
  }

  /** The COPY data for message_log_keys (KEYS_COPY_COLUMNS): valid until finish. */
  keyBytes(): Buffer {
    return this.keys.view();
  }

  /** The COPY data for message_log (LOG_COPY_COLUMNS): valid until finish. */
  logBytes(): Buffer {
    return this.log.view();
  }

  /** PostgreSQL answered both COPYs: every byte has left the socket. */
  markCopied(): void {
    this.copied = true;
  }

  /**
   * Done with the batch. Its bytes go back to the pool only after PostgreSQL answered the COPYs
   * (a failed COPY may leave them queued on a socket that is being torn down).
   */
  finish(): void {
    if (this.copied) {
      this.log.release();
      this.keys.release();
    } else {
      this.log.drop();
      this.keys.drop();
    }
  }
}

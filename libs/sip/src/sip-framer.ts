import { findHeaderEnd, readContentLength } from './sip-message.js';

/** Default per-message size limit for stream transports (header section + body). */
export const DEFAULT_SIP_MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * A unit cut from a SIP byte stream:
 * - `message`: a complete message (header section + Content-Length bytes of body);
 * - `keepalive`: a RFC 5626 §4.4.1 "ping" (CRLFCRLF), to be answered with a CRLF "pong";
 * - `error`: the stream cannot be framed any further; always the last frame (the connection
 *   should be answered if possible and closed).
 */
export type SipFrame =
  | { readonly type: 'message'; readonly data: Buffer }
  | { readonly type: 'keepalive' }
  | { readonly type: 'error'; readonly error: SipFramingError };

/**
 * The stream cannot be framed any further (the connection should be closed).
 * `statusCode` is the response to send when `head` (the header section, without the empty line)
 * is available and answerable: 513 when the message is too large, 400 when Content-Length is
 * invalid.
 */
export class SipFramingError extends Error {
  override readonly name = 'SipFramingError';

  constructor(
    message: string,
    readonly statusCode: 400 | 513,
    readonly head: Buffer | null,
  ) {
    super(message);
  }
}

export interface SipStreamFramerOptions {
  /** Maximum size of one message, header section and body included (default 64 KiB). */
  readonly maxMessageBytes?: number;
}

const CR = 0x0d;
const LF = 0x0a;
const PING = Buffer.from('\r\n\r\n');

/**
 * Cuts a SIP stream (TCP) into messages using Content-Length (RFC 3261 §18.3); a missing
 * Content-Length means an empty body. Handles several messages per chunk and messages split
 * across chunks. Never throws: a framing failure (oversized message, invalid Content-Length)
 * is returned as a final `error` frame, and every later push returns that error frame again.
 */
export class SipStreamFramer {
  private readonly maxMessageBytes: number;
  private storage = Buffer.allocUnsafe(4096);
  private start = 0;
  private end = 0;
  private scanFrom = 0;
  private expectedLength: number | null = null;
  private failure: SipFramingError | null = null;

  constructor(options: SipStreamFramerOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_SIP_MAX_MESSAGE_BYTES;
  }

  /** Bytes received but not yet returned as a frame. */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  /** Appends a chunk and returns the frames it completed, in order. */
  push(chunk: Buffer): SipFrame[] {
    if (this.failure) {
      return [{ type: 'error', error: this.failure }];
    }
    this.append(chunk);
    const frames: SipFrame[] = [];
    while (!this.failure) {
      if (this.expectedLength === null) {
        if (!this.skipLeadingLineEnds(frames)) {
          break;
        }
        const view = this.view();
        const end = findHeaderEnd(view, this.scanFrom);
        if (!end) {
          if (view.length > this.maxMessageBytes) {
            this.fail(new SipFramingError(`Header section exceeds ${this.maxMessageBytes} bytes`, 513, null));
          }
          this.scanFrom = Math.max(0, view.length - 2);
          break;
        }
        const head = Buffer.from(view.subarray(0, end.headEnd));
        let contentLength: number | null;
        try {
          contentLength = readContentLength(head);
        } catch (error) {
          this.fail(new SipFramingError((error as Error).message, 400, head));
          break;
        }
        const total = end.bodyStart + (contentLength ?? 0);
        if (total > this.maxMessageBytes) {
          this.fail(new SipFramingError(`Message of ${total} bytes exceeds ${this.maxMessageBytes} bytes`, 513, head));
          break;
        }
        this.expectedLength = total;
      }
      if (this.end - this.start < this.expectedLength) {
        break;
      }
      const data = Buffer.from(this.storage.subarray(this.start, this.start + this.expectedLength));
      this.start += this.expectedLength;
      this.expectedLength = null;
      this.scanFrom = 0;
      frames.push({ type: 'message', data });
    }
    if (this.failure) {
      frames.push({ type: 'error', error: this.failure });
    } else if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
    return frames;
  }

  private fail(error: SipFramingError): void {
    this.failure = error;
    this.storage = Buffer.alloc(0);
    this.start = 0;
    this.end = 0;
    this.expectedLength = null;
  }

  private view(): Buffer {
    return this.storage.subarray(this.start, this.end);
  }

  /**
   * Drops CR/LF between messages, turning CRLFCRLF into keep-alive frames.
   * Returns false when more data is needed before a message can start.
   */
  private skipLeadingLineEnds(frames: SipFrame[]): boolean {
    while (this.start < this.end) {
      const first = this.storage[this.start];
      if (first !== CR && first !== LF) {
        return true;
      }
      const available = this.end - this.start;
      const probe = this.storage.subarray(this.start, this.start + Math.min(available, PING.length));
      if (probe.equals(PING)) {
        frames.push({ type: 'keepalive' });
        this.start += PING.length;
        continue;
      }
      if (available < PING.length && PING.subarray(0, available).equals(probe)) {
        return false;
      }
      this.start++;
    }
    return false;
  }

  private append(chunk: Buffer): void {
    if (chunk.length === 0) {
      return;
    }
    if (this.end + chunk.length > this.storage.length) {
      const used = this.end - this.start;
      const needed = used + chunk.length;
      if (needed <= this.storage.length && this.start > 0) {
        this.storage.copyWithin(0, this.start, this.end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(needed, this.storage.length * 2));
        this.storage.copy(grown, 0, this.start, this.end);
        this.storage = grown;
      }
      this.start = 0;
      this.end = used;
    }
    chunk.copy(this.storage, this.end);
    this.end += chunk.length;
  }
}

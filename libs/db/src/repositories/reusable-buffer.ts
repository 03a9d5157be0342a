/**
 * A growable byte buffer taken from a small pool of spares and given back when done. Ingest
 * writes each batch's COPY text and chain entries (~1 MB) as bytes: as JavaScript strings they
 * stayed on the heap while the batch waited for its transaction, and every young-generation
 * collection copied them; a fresh Buffer per batch cost an allocation and its page faults.
 */
export class ReusableBuffer {
  private static readonly spares: Buffer[] = [];
  private static readonly SPARES_MAX = 32;
  private static readonly INITIAL_BYTES = 256 * 1024;
  // a batch of large bodies grows a buffer to tens of MB: such a buffer is not kept
  private static readonly SPARE_MAX_BYTES = 4 * 1024 * 1024;

  /** Bytes the pool keeps for later batches (at most SPARES_MAX buffers of SPARE_MAX_BYTES). */
  static pooledBytes(): number {
    return ReusableBuffer.spares.reduce((sum, b) => sum + b.length, 0);
  }

  private buffer: Buffer;
  private used = 0;
  private released = false;

  constructor() {
    this.buffer = ReusableBuffer.spares.pop() ?? Buffer.allocUnsafeSlow(ReusableBuffer.INITIAL_BYTES);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.used;
  }

  /** Appends `text` in UTF-8; returns the offset it starts at. */
  write(text: string): number {
    const at = this.used;
    // at most 3 bytes per UTF-16 code unit
    this.ensure(text.length * 3);
    this.used += this.buffer.write(text, at);
    return at;
  }

  /** Appends `bytes` bytes left as they are, for the caller to fill with writeAt; returns their offset. */
  reserve(bytes: number): number {
    const at = this.used;
    this.ensure(bytes);
    this.used += bytes;
    return at;
  }

  /** Overwrites bytes already reserved or written, in Latin-1 (ASCII text such as hex digits). */
  writeAt(at: number, asciiText: string): void {
    if (at + asciiText.length > this.used) throw new RangeError('writeAt past the bytes written');
    this.buffer.write(asciiText, at, 'latin1');
  }

  /** A view of bytes [from, to): valid until the next write (which may move the buffer) or release. */
  view(from = 0, to = this.used): Buffer {
    return this.buffer.subarray(from, to);
  }

  /** Appends bytes [from, to) of another buffer. */
  copyFrom(other: ReusableBuffer, from: number, to: number): void {
    this.ensure(to - from);
    this.used += other.buffer.copy(this.buffer, this.used, from, to);
  }

  /** Gives the bytes back to the pool: only when nothing else can still read them. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (ReusableBuffer.spares.length < ReusableBuffer.SPARES_MAX && this.buffer.length <= ReusableBuffer.SPARE_MAX_BYTES) {
      ReusableBuffer.spares.push(this.buffer);
    }
  }

  /** Done, but the bytes may still be read (a socket write that may not have completed): left to the GC. */
  drop(): void {
    this.released = true;
  }

  private ensure(more: number): void {
    if (this.released) throw new Error('ReusableBuffer used after release');
    if (this.used + more <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.used + more, this.buffer.length * 2));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }
}

import { ReusableBuffer } from './reusable-buffer.js';

describe('ReusableBuffer', () => {
  it('should append text and bytes, fill reserved holes and grow past its first size', () => {
    const a = new ReusableBuffer();
    expect(a.write('héllo ')).toBe(0);
    const hole = a.reserve(4);
    a.write('!');
    a.writeAt(hole, 'abcd');
    const big = 'x'.repeat(600 * 1024);
    a.write(big);
    expect(a.length).toBe(Buffer.byteLength('héllo abcd!') + big.length);
    expect(a.view(0, 12).toString()).toBe('héllo abcd!');
    const b = new ReusableBuffer();
    b.copyFrom(a, 7, 12);
    expect(b.view().toString()).toBe('abcd!');
    a.release();
    b.release();
  });

  it('should refuse to write past what it holds, and any use after release', () => {
    const a = new ReusableBuffer();
    a.write('ab');
    expect(() => a.writeAt(1, 'xy')).toThrow('past the bytes written');
    a.drop();
    expect(() => a.write('c')).toThrow('after release');
  });

  it('should hand a released buffer to the next user, starting empty', () => {
    const a = new ReusableBuffer();
    a.write('first user');
    a.release();
    const b = new ReusableBuffer();
    expect(b.length).toBe(0);
    b.write('second');
    expect(b.view().toString()).toBe('second');
    b.release();
  });

  it('should not keep a buffer that grew past 4 MiB', () => {
    const before = ReusableBuffer.pooledBytes();
    const big = new ReusableBuffer();
    big.write('x'.repeat(5 * 1024 * 1024));
    big.release();
    expect(ReusableBuffer.pooledBytes()).toBeLessThanOrEqual(before);
    const small = new ReusableBuffer();
    small.write('y');
    small.release();
    expect(ReusableBuffer.pooledBytes()).toBeGreaterThan(0);
  });
});

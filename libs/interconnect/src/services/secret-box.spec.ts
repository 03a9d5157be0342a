import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from './secret-box.js';

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  const secret = JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: 'private-part', x: 'public-part' });

  it('should round-trip a value and not contain the plaintext', () => {
    const sealed = box.seal(secret, 'kid-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain('private-part');
    expect(box.openText(sealed, 'kid-1')).toBe(secret);
    expect(new SecretBox(Buffer.from(key)).openText(sealed, 'kid-1')).toBe(secret);
  });

  it('should use a fresh IV for every value', () => {
    expect(box.seal(secret)).not.toBe(box.seal(secret));
  });

  it('should refuse another key', () => {
    const sealed = box.seal(secret);
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(SecretBoxError);
    expect(() => SecretBox.ephemeral().open(sealed)).toThrow(SecretBoxError);
  });

  it('should refuse other associated data (a value moved to another row)', () => {
    const sealed = box.seal(secret, 'kid-1');
    expect(() => box.open(sealed, 'kid-2')).toThrow(SecretBoxError);
    expect(() => box.open(sealed)).toThrow(SecretBoxError);
  });

  it.each([
    ['the ciphertext', 2],
    ['the tag', 3],
    ['the IV', 1],
  ])('should detect an altered %s', (_what, index) => {
    const parts = box.seal(secret).split('.');
    const bytes = Buffer.from(parts[index], 'base64url');
    bytes[0] ^= 1;
    parts[index] = bytes.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(SecretBoxError);
  });

  it.each(['', 'plain text', 'v2.a.b.c', 'v1.AAAA.AAAA.AAAA', 'v1.!!.!!.!!', `v1.${'A'.repeat(16)}.AAAA`])(
    'should refuse %p as not sealed',
    (value) => {
      expect(() => box.open(value)).toThrow(SecretBoxError);
    },
  );

  it('should only accept 32-byte keys', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(RangeError);
    expect(() => new SecretBox(randomBytes(33))).toThrow(RangeError);
  });

  it('should not be affected when the caller later changes its key buffer', () => {
    const mutable = Buffer.from(key);
    const own = new SecretBox(mutable);
    const sealed = own.seal(secret);
    mutable.fill(0);
    expect(own.openText(sealed)).toBe(secret);
  });
});

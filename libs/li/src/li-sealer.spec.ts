import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { LiDisabledError, LiSealError, LiSealer } from './li-sealer.js';
import { domainTarget, userTarget } from './li-target.js';

describe(LiSealer.name, () => {
  const key = randomBytes(32);
  const sealer = new LiSealer(key);

  it('should open what it sealed', () => {
    const value = { targets: [{ kind: 'user', uri: 'sip:alice@a.example' }], warrantReference: 'W-1' };
    expect(sealer.open(sealer.seal(value))).toEqual(value);
  });

  it('should not contain the plaintext and should differ on every seal (random IV)', () => {
    const a = sealer.seal('sip:alice@a.example');
    const b = sealer.seal('sip:alice@a.example');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('alice');
  });

  it('should refuse an altered value', () => {
    const sealed = sealer.seal({ x: 1 });
    sealed[sealed.length - 1] ^= 1;
    expect(() => sealer.open(sealed)).toThrow(LiSealError);
  });

  it('should refuse a value sealed with an unknown key', () => {
    const other = new LiSealer(randomBytes(32)).seal({ x: 1 });
    expect(() => sealer.open(other)).toThrow(/neither LI_SECRET_KEY nor in LI_PREVIOUS_SECRET_KEYS/);
  });

  it('should refuse something that is not a sealed value', () => {
    expect(() => sealer.open(Buffer.from('hello'))).toThrow(LiSealError);
  });

  it('should open values sealed with a previous key after rotation and tell them apart', () => {
    const old = new LiSealer(key).seal({ x: 1 });
    const rotated = new LiSealer(randomBytes(32), [key]);
    expect(rotated.open(old)).toEqual({ x: 1 });
    expect(rotated.isSealedWithCurrentKey(old)).toBe(false);
    expect(rotated.isSealedWithCurrentKey(rotated.seal({ x: 1 }))).toBe(true);
  });

  it('should compute the same lookup for the same target in any input form, and different ones for user and domain', () => {
    const a = sealer.targetLookup(userTarget('sip:Alice@A.EXAMPLE:5061;transport=tls'));
    const b = sealer.targetLookup(userTarget('sip:Alice@a.example'));
    expect(a.equals(b)).toBe(true);
    expect(a).toHaveLength(32);
    expect(sealer.targetLookup(domainTarget('A.example')).equals(sealer.targetLookup(domainTarget('a.example')))).toBe(true);
    expect(sealer.targetLookup({ kind: 'domain', domain: 'a.example' }).equals(a)).toBe(false);
  });

  it('should compute a lookup as HMAC-SHA256 under the HKDF-derived index key, so stored lookups stay valid across releases', () => {
    const indexKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'li-target-index', 32));
    const expected = (text: string) => createHmac('sha256', indexKey).update(text).digest();
    expect(sealer.targetLookup(userTarget('sip:alice@A.example')).equals(expected('user:sip:alice@a.example'))).toBe(true);
    expect(sealer.targetLookup(domainTarget('A.example')).equals(expected('domain:a.example'))).toBe(true);
  });

  it('should derive a lookup key that depends on the LI key', () => {
    const target = userTarget('xmpp:bob@b.example/phone');
    expect(new LiSealer(randomBytes(32)).targetLookup(target).equals(sealer.targetLookup(target))).toBe(false);
  });

  it('should refuse every use when LI is disabled', () => {
    const disabled = LiSealer.disabled();
    expect(disabled.enabled).toBe(false);
    expect(() => disabled.seal(1)).toThrow(LiDisabledError);
    expect(() => disabled.open(sealer.seal(1))).toThrow(LiDisabledError);
    expect(() => disabled.targetLookup(domainTarget('a.example'))).toThrow(LiDisabledError);
  });
});

describe('userTarget', () => {
  it.each([
    ['xmpp:Bob@B.example/phone', 'xmpp:Bob@b.example'],
    ['@carol:C.example', 'matrix:u/carol:c.example'],
    ['matrix:u/carol:c.example', 'matrix:u/carol:c.example'],
  ])('should normalise %s to %s', (input, uri) => {
    expect(userTarget(input)).toEqual({ kind: 'user', uri });
  });

  it('should refuse a URI without a supported scheme, naming the field', () => {
    expect(() => userTarget('mailto:x@y.example', 'TargetIdentifiers')).toThrow(/TargetIdentifiers/);
  });
});

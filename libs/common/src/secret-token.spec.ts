import { hashToken, issueToken, tokenKind } from './secret-token.js';

describe('issueToken', () => {
  it('should issue prefixed 256-bit tokens whose hash is their SHA-256', () => {
    const issued = issueToken('memberKey');
    expect(issued.token).toMatch(/^hubmk_[A-Za-z0-9_-]{43}$/);
    expect(issued.hash).toBe(hashToken(issued.token));
    expect(issued.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.token.startsWith(issued.prefix)).toBe(true);
  });

  it('should never issue the same token twice', () => {
    expect(issueToken('operator').token).not.toBe(issueToken('operator').token);
  });

  it('should tell token kinds apart by prefix', () => {
    expect(tokenKind(issueToken('operator').token)).toBe('operator');
    expect(tokenKind('something-else')).toBeNull();
  });
});

import { hash, randomBytes } from 'node:crypto';

/** Token kinds; the prefix lets a guard and a secret scanner tell them apart. */
export const TOKEN_PREFIXES = {
  operator: 'hubop_',
  memberKey: 'hubmk_',
  applicationClaim: 'hubac_',
  operatorSession: 'hubos_',
  liAdministrator: 'hubli_',
} as const;
export type TokenKind = keyof typeof TOKEN_PREFIXES;

export interface IssuedToken {
  token: string;
  hash: string;
  prefix: string;
}

/**
 * Bearer tokens carry 256 random bits, so a plain SHA-256 is enough to store them:
 * unlike passwords they cannot be brute-forced, and the hash stays usable as a lookup key.
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function issueToken(kind: TokenKind): IssuedToken {
  const token = `${TOKEN_PREFIXES[kind]}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, 12) };
}

export function tokenKind(token: string): TokenKind | null {
  for (const [kind, prefix] of Object.entries(TOKEN_PREFIXES)) {
    if (token.startsWith(prefix)) return kind as TokenKind;
  }
  return null;
}

import { CompactSign, compactVerify, createLocalJWKSet, type CryptoKey, type JWK } from 'jose';
import { canonicalJson } from '@app/common';
import { HUB_KEY_ALGORITHMS } from '@app/interconnect';

/**
 * A retention checkpoint is signed by the hub as a compact JWS whose payload is the RFC 8785 JSON
 * of the fields below and whose protected header is `{alg, kid, typ: "message-log-checkpoint+json"}`
 * (explicit typing: neither an interconnection assertion nor any other hub-signed object can pass
 * for a checkpoint, nor the reverse). Anyone holding the hub's public keys can check it.
 */
export const CHECKPOINT_TYPE = 'message-log-checkpoint+json';

export interface CheckpointClaims {
  origin: string;
  fromSeq: number;
  toSeq: number;
  count: number;
  hashBefore: string;
  hashAfter: string;
}

const claimsOf = (c: CheckpointClaims): CheckpointClaims => ({
  origin: c.origin,
  fromSeq: c.fromSeq,
  toSeq: c.toSeq,
  count: c.count,
  hashBefore: c.hashBefore,
  hashAfter: c.hashAfter,
});

export function signCheckpoint(
  claims: CheckpointClaims,
  key: { kid: string; alg: string; privateKey: CryptoKey },
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(canonicalJson(claimsOf(claims))))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: CHECKPOINT_TYPE })
    .sign(key.privateKey);
}

/** Whether `jws` is the hub's signature, by one of `jwks`, over exactly these claims. */
export async function checkpointSignatureValid(
  jws: string,
  claims: CheckpointClaims,
  jwks: { keys: readonly JWK[] },
): Promise<boolean> {
  try {
    const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet({ keys: [...jwks.keys] }), {
      algorithms: [...HUB_KEY_ALGORITHMS],
    });
    return protectedHeader.typ === CHECKPOINT_TYPE && new TextDecoder().decode(payload) === canonicalJson(claimsOf(claims));
  } catch {
    return false;
  }
}

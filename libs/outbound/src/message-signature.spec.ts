import { generateHubKey } from '@app/interconnect';
import { contentDigest, signatureBase, signRequest } from './message-signature.js';

describe('contentDigest', () => {
  // expected values computed with `openssl dgst -sha256 -binary | base64`
  it('should be the base64 SHA-256 of the body bytes between colons, labelled sha-256', () => {
    expect(contentDigest('{"hello": "world"}')).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
    expect(contentDigest(Buffer.from('{"hello": "world"}\n'))).toBe('sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:');
  });
});

describe('signRequest', () => {
  const request = {
    method: 'post',
    targetUri: 'https://receiver.example/hook?x=1',
    headers: { 'content-digest': contentDigest('{}'), 'content-type': 'application/json', 'idempotency-key': 'outbox-1' },
  };

  it('should label the signature hub and list the covered components with created, expires, keyid and alg', async () => {
    const key = await generateHubKey();
    const signed = await signRequest(request, key, new Date('2026-12-07T10:00:00Z'));
    expect(signed['signature-input']).toBe(
      `hub=("@method" "@target-uri" "content-digest" "content-type" "idempotency-key");created=1796637600;expires=1796637900;keyid="${key.kid}";alg="ed25519"`,
    );
    expect(signed.signature).toMatch(/^hub=:[A-Za-z0-9+/]{86}==:$/);
  });

  it('should sign with a P-256 key as ecdsa-p256-sha256 (r || s, 64 bytes)', async () => {
    const key = await generateHubKey({ alg: 'ES256' });
    const signed = await signRequest(request, key);
    expect(signed['signature-input']).toMatch(/;alg="ecdsa-p256-sha256"$/);
    expect(Buffer.from(signed.signature.slice(5, -1), 'base64')).toHaveLength(64);
  });

  it('should refuse to sign when a covered field is missing', async () => {
    const key = await generateHubKey();
    const { 'idempotency-key': _, ...headers } = request.headers;
    await expect(signRequest({ ...request, headers }, key)).rejects.toThrow(/idempotency-key is missing/);
  });
});

describe('signatureBase', () => {
  it('should write one line per component, the method in upper case, and @signature-params last', () => {
    const base = signatureBase(
      {
        method: 'post',
        targetUri: 'https://receiver.example/hook',
        headers: { 'content-digest': ' sha-256=:AA==: ', 'content-type': 'application/json', 'idempotency-key': 'k' },
      },
      { created: 1, expires: 301, keyid: 'kid', alg: 'ed25519' },
    );
    expect(base).toBe(
      [
        '"@method": POST',
        '"@target-uri": https://receiver.example/hook',
        '"content-digest": sha-256=:AA==:',
        '"content-type": application/json',
        '"idempotency-key": k',
        '"@signature-params": ("@method" "@target-uri" "content-digest" "content-type" "idempotency-key");created=1;expires=301;keyid="kid";alg="ed25519"',
      ].join('\n'),
    );
  });
});

import { generateHubKey, jwksDocument, signAssertion } from '@app/interconnect';
import { checkpointSignatureValid, signCheckpoint } from './checkpoint-signature.js';

const claims = {
  origin: 'a.example.com',
  fromSeq: 3,
  toSeq: 7,
  count: 5,
  hashBefore: 'ab'.repeat(32),
  hashAfter: 'cd'.repeat(32),
};

describe(signCheckpoint.name, () => {
  it('should be verified against the key that signed it', async () => {
    const key = await generateHubKey();
    const jws = await signCheckpoint(claims, key);
    await expect(checkpointSignatureValid(jws, claims, jwksDocument([key]))).resolves.toBe(true);
  });

  it('should not verify other claims, another key or a tampered token', async () => {
    const [key, other] = await Promise.all([generateHubKey(), generateHubKey({ alg: 'ES256' })]);
    const jws = await signCheckpoint(claims, key);
    await expect(checkpointSignatureValid(jws, { ...claims, toSeq: 8 }, jwksDocument([key]))).resolves.toBe(false);
    await expect(checkpointSignatureValid(jws, claims, jwksDocument([other]))).resolves.toBe(false);
    const [h, p, s] = jws.split('.');
    await expect(checkpointSignatureValid(`${h}.${p}.${s.slice(0, -4)}AAAA`, claims, jwksDocument([key]))).resolves.toBe(false);
    await expect(checkpointSignatureValid('not a jws', claims, jwksDocument([key]))).resolves.toBe(false);
  });

  it('should not take another hub-signed object for a checkpoint', async () => {
    const key = await generateHubKey();
    const assertion = await signAssertion(
      { issuer: 'hub.example', subject: 'a.example.com', audience: 'b.example.org', scope: ['im'], ttlSeconds: 60 },
      key,
    );
    await expect(checkpointSignatureValid(assertion, claims, jwksDocument([key]))).resolves.toBe(false);
  });
});

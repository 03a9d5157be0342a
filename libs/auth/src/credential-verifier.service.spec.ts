import { loadConfig } from '@app/config';
import { ApiKeyRepository, ChangeBus, memberChangeKey } from '@app/db';
import type {
  CredentialRepository,
  HubKeyRepository,
  MemberRepository,
  OperatorRepository,
  OperatorSessionRepository,
} from '@app/db';
import { CredentialVerifier } from './credential-verifier.service.js';

type Found = Awaited<ReturnType<ApiKeyRepository['findUnrevokedWithMember']>>;

const TOKEN = 'hubmk_single_flight_test_token_0123456789';
const FOUND = {
  key: { id: 'key-1' },
  member: { id: 'member-1', domain: 'a.example', status: 'active' },
} as unknown as NonNullable<Found>;

/** An API-key repository whose lookups wait until the test releases them, counting the calls. */
class GatedApiKeys {
  calls = 0;
  private releases: Array<() => void> = [];
  constructor(public answers: Found[]) {}

  findUnrevokedWithMember(): Promise<Found> {
    const answer = this.answers[Math.min(this.calls, this.answers.length - 1)];
    this.calls++;
    return new Promise((resolve) => this.releases.push(() => resolve(answer)));
  }

  releaseAll(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

function verifierWith(apiKeys: GatedApiKeys, changes: ChangeBus): CredentialVerifier {
  const unused = {} as never;
  return new CredentialVerifier(
    unused as OperatorRepository,
    apiKeys as unknown as ApiKeyRepository,
    unused as CredentialRepository,
    unused as MemberRepository,
    unused as HubKeyRepository,
    loadConfig({}),
    changes,
    unused as OperatorSessionRepository,
  );
}

describe('CredentialVerifier API-key lookups', () => {
  it('should send one lookup for concurrent requests with the same uncached key, and cache its answer', async () => {
    const apiKeys = new GatedApiKeys([FOUND]);
    const verifier = verifierWith(apiKeys, new ChangeBus(loadConfig({})));
    const pending = Array.from({ length: 10 }, () => verifier.member(TOKEN));
    expect(apiKeys.calls).toBe(1);
    apiKeys.releaseAll();
    const principals = await Promise.all(pending);
    expect(principals.map((p) => p?.domain)).toEqual(Array(10).fill('a.example'));
    expect(await verifier.member(TOKEN)).toMatchObject({ memberId: 'member-1', credential: { id: 'key-1' } });
    expect(apiKeys.calls).toBe(1);
  });

  it('should not let a request made after a revocation join a lookup that started before it', async () => {
    const apiKeys = new GatedApiKeys([FOUND, null]);
    const changes = new ChangeBus(loadConfig({}));
    const verifier = verifierWith(apiKeys, changes);
    const before = verifier.member(TOKEN);
    changes.deliverLocally([memberChangeKey('a.example')]);
    const after = verifier.member(TOKEN);
    expect(apiKeys.calls).toBe(2);
    apiKeys.releaseAll();
    expect(await after).toBeNull();
    // the lookup that raced with the change answers its own caller but is not cached
    expect(await before).toMatchObject({ domain: 'a.example' });
    const again = verifier.member(TOKEN);
    apiKeys.releaseAll();
    expect(await again).toBeNull();
    expect(apiKeys.calls).toBe(3);
  });
});

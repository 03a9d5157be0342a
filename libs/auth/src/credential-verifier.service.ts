import type { X509Certificate } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  ALL_CHANGED,
  ApiKeyRepository,
  ChangeBus,
  CredentialRepository,
  HubKeyRepository,
  memberChangeKey,
  MemberRepository,
  OperatorRepository,
  OperatorSessionRepository,
} from '@app/db';
import { hashToken, UnauthenticatedError, type MemberStatus } from '@app/common';
import { certificatePins, type CertificatePins, type MemberKeyRecord, verifyMemberRequestJws } from '@app/interconnect';
import { bearerToken, parseBearer } from './bearer-token.js';
import type { AuthenticatedRequest, MemberCredentialRef, MemberPrincipal, OperatorPrincipal } from './principal.js';
import { certificateCurrent, isCompactJws, peerCertificate } from './request-credentials.js';

const MEMBER_CACHE_TTL_MS = 60_000;
const MEMBER_CACHE_MAX = 10_000;

interface MemberRef {
  id: string;
  domain: string;
  status: MemberStatus;
}

/** The unrevoked pins of one member matching one certificate (by certificate or SPKI hash). */
interface PinEntry {
  member: MemberRef;
  credentials: Array<{ id: string; notBefore: Date; notAfter: Date | null }>;
  expiresAt: number;
}

interface SigningKeyEntry {
  member: MemberRef;
  record: MemberKeyRecord;
  expiresAt: number;
}

const memberRef = (m: MemberRef): MemberRef => ({ id: m.id, domain: m.domain, status: m.status });

const principalOf = (member: MemberRef, credential: MemberCredentialRef): MemberPrincipal => ({
  kind: 'member',
  memberId: member.id,
  domain: member.domain,
  status: member.status,
  credential,
});

/**
 * Resolves bearer tokens to principals. Lookups go by hash; the token itself is never stored or
 * logged. Member keys sit on the hot path, so resolved keys are cached per process and dropped on
 * every change of their member (status, key revocation) announced on the ChangeBus; the TTL is
 * only a backstop. Certificate pins and signing keys (the other member credentials) are cached
 * the same way, so a revocation takes effect on the next request.
 */
@Injectable()
export class CredentialVerifier {
  private readonly logger = new Logger(CredentialVerifier.name);
  private readonly members = new Map<string, { principal: MemberPrincipal | null; expiresAt: number }>();
  /** by the SHA-256 of the presented certificate */
  private readonly pins = new Map<string, PinEntry>();
  /** by `<domain> <kid>` */
  private readonly signingKeys = new Map<string, SigningKeyEntry>();
  /**
   * API-key lookups in flight, by key hash: the requests that miss the cache at the same moment
   * (on a key's first use, or when its entry expires under load) share one database lookup
   * instead of sending one each. Emptied on every change, so a request made after a revocation
   * never joins a lookup that started before it.
   */
  private readonly memberLookups = new Map<string, Promise<MemberPrincipal | null>>();
  /** bumped on every change: a lookup that raced with a change is not cached (it may be stale) */
  private generation = 0;

  constructor(
    private readonly operators: OperatorRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly credentials: CredentialRepository,
    private readonly memberRecords: MemberRepository,
    private readonly hubKeys: HubKeyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    changes: ChangeBus,
    private readonly operatorSessions: OperatorSessionRepository,
  ) {
    changes.subscribe((key) => this.invalidate(key));
  }

  async operator(token: string): Promise<OperatorPrincipal | null> {
    const op = await this.operators.findActiveByTokenHash(hashToken(token));
    return op ? { kind: 'operator', operatorId: op.id, name: op.name, role: op.role } : null;
  }

  /** The operator of a browser session (the value of its cookie), while the session and the operator last. */
  async operatorBySession(sessionToken: string): Promise<OperatorPrincipal | null> {
    const op = await this.operatorSessions.findActiveOperator(hashToken(sessionToken));
    return op ? { kind: 'operator', operatorId: op.id, name: op.name, role: op.role } : null;
  }

  member(token: string): Promise<MemberPrincipal | null> {
    const hash = hashToken(token);
    const cached = this.cachedMember(hash);
    if (cached) return Promise.resolve(cached.principal);
    let lookup = this.memberLookups.get(hash);
    if (!lookup) {
      const started = this.lookUpMember(hash);
      lookup = started.finally(() => {
        if (this.memberLookups.get(hash) === lookup) this.memberLookups.delete(hash);
      });
      this.memberLookups.set(hash, lookup);
    }
    return lookup;
  }

  private async lookUpMember(hash: string): Promise<MemberPrincipal | null> {
    const generation = this.generation;
    const found = await this.apiKeys.findUnrevokedWithMember(hash);
    const principal: MemberPrincipal | null = found
      ? {
          kind: 'member',
          memberId: found.member.id,
          domain: found.member.domain,
          status: found.member.status,
          credential: { type: 'api-key', id: found.key.id },
        }
      : null;
    // unknown tokens are not cached: a flood of random tokens must not evict real ones
    if (principal) this.remember(this.members, hash, { principal, expiresAt: Date.now() + MEMBER_CACHE_TTL_MS }, generation);
    return principal;
  }

  /** The key under which an Authorization header's API key is cached; undefined for no or a malformed header, or a signed request (JWS). */
  apiKeyHashOf(authorization: string | undefined): string | undefined {
    const token = authorization === undefined ? undefined : parseBearer(authorization);
    return token === undefined || isCompactJws(token) ? undefined : hashToken(token);
  }

  /**
   * The principal of an API key (by its hash from apiKeyHashOf), only if it is already cached (and
   * not past its TTL); undefined for a key not looked up yet. Synchronous and free of I/O, for the
   * well-known fast path, which falls back to memberForRequest whenever this returns undefined. The
   * status is the member's as cached: the caller must still refuse a member that is not active. A
   * revocation or a status change drops the entry (ChangeBus), so this never answers from a stale
   * grant.
   */
  peekApiKeyMemberByHash(hash: string): MemberPrincipal | undefined {
    return this.cachedMember(hash)?.principal ?? undefined;
  }

  /**
   * The member behind a request, trying in this order: (a) an API key (`Bearer hubmk_…`), (b) a
   * signed request (`Bearer <compact JWS>`), (c) only when there is no Authorization header, a TLS
   * client certificate matching a registered pin. null: no member credential was presented (an
   * unknown client certificate counts as none). An Authorization header that is present but does
   * not authenticate is an UnauthenticatedError, never a silent downgrade to anonymous.
   */
  async memberForRequest(request: AuthenticatedRequest): Promise<MemberPrincipal | null> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const token = bearerToken(header);
      if (isCompactJws(token)) return this.memberBySignedRequest(token);
      const member = await this.member(token);
      if (!member) throw new UnauthenticatedError('unknown or revoked API key');
      return member;
    }
    const peer = peerCertificate(request);
    return peer ? this.memberByCertificate(peer.certificate, peer.chainVerified) : null;
  }

  /**
   * A signed request: a compact JWS signed with one of the member's registered keys, audience =
   * this hub, lifetime ≤ 300 s, single-use jti (see verifyMemberRequestJws). Throws a
   * MemberRequestJwsError (401, with the reason) when it does not verify.
   */
  async memberBySignedRequest(token: string, now = new Date()): Promise<MemberPrincipal> {
    let signer: MemberRef | undefined;
    const verified = await verifyMemberRequestJws(token, {
      hubDomain: this.config.hub.domain,
      now,
      resolveKey: async (iss, kid) => {
        const entry = await this.signingKey(iss, kid);
        signer = entry?.member;
        return entry?.record ?? null;
      },
      seenJti: (iss, jti, expiresAt) => this.hubKeys.recordJti(iss, jti, expiresAt),
    });
    return principalOf(signer as MemberRef, { type: 'jws', id: verified.kid });
  }

  /**
   * The member one of whose unrevoked, currently valid `certificate-pin` credentials matches a TLS
   * client certificate (SHA-256 of the certificate or of its SPKI). null when none does, when the
   * certificate is outside its own validity period, when HUB_TLS_CLIENT_CA is configured and the
   * chain did not verify to it, or when pins of more than one member match (ambiguous: nobody).
   */
  async memberByCertificate(
    certificate: X509Certificate,
    chainVerified: boolean,
    now = new Date(),
  ): Promise<MemberPrincipal | null> {
    if (this.config.hub.tls?.clientCa && !chainVerified) return null;
    if (!certificateCurrent(certificate, now)) return null;
    const pins = certificatePins(certificate);
    const cached = this.pins.get(pins.certSha256);
    const entry = cached && cached.expiresAt > Date.now() ? cached : await this.lookupPins(pins);
    const credential = entry?.credentials.find((c) => c.notBefore <= now && (!c.notAfter || c.notAfter > now));
    return entry && credential ? principalOf(entry.member, { type: 'mtls', id: credential.id }) : null;
  }

  private async lookupPins(pins: CertificatePins): Promise<PinEntry | null> {
    const generation = this.generation;
    const found = [
      ...(await this.credentials.findPinned(pins.certSha256)).filter((f) => f.credential.pinType === 'certificate'),
      ...(await this.credentials.findPinned(pins.spkiSha256)).filter((f) => f.credential.pinType === 'spki'),
    ];
    // unknown certificates are not cached (as unknown API keys are not)
    if (found.length === 0) return null;
    const domains = new Set(found.map((f) => f.member.domain));
    if (domains.size > 1) {
      this.logger.warn(`a client certificate matches pins of several members (${[...domains].join(', ')}): not authenticated`);
      return null;
    }
    const entry: PinEntry = {
      member: memberRef(found[0].member),
      credentials: found.map(({ credential: c }) => ({ id: c.id, notBefore: c.notBefore, notAfter: c.notAfter })),
      expiresAt: Date.now() + MEMBER_CACHE_TTL_MS,
    };
    this.remember(this.pins, pins.certSha256, entry, generation);
    return entry;
  }

  /** Key `kid` of member `domain` (revoked keys included: the verifier reports them as revoked). */
  private async signingKey(domain: string, kid: string): Promise<SigningKeyEntry | null> {
    const cacheKey = `${domain} ${kid}`;
    const cached = this.signingKeys.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached;
    const generation = this.generation;
    const member = await this.memberRecords.findByDomain(domain);
    const key = member ? await this.credentials.findJwk(member.id, kid) : null;
    if (!member || !key?.publicJwk) return null;
    const entry: SigningKeyEntry = {
      member: memberRef(member),
      record: {
        jwk: key.publicJwk,
        notBefore: key.notBefore,
        notAfter: key.notAfter,
        status: key.revokedAt ? 'revoked' : 'active',
      },
      expiresAt: Date.now() + MEMBER_CACHE_TTL_MS,
    };
    this.remember(this.signingKeys, cacheKey, entry, generation);
    return entry;
  }

  private cachedMember(hash: string): { principal: MemberPrincipal | null } | undefined {
    const cached = this.members.get(hash);
    return cached && cached.expiresAt > Date.now() ? cached : undefined;
  }

  private remember<T>(cache: Map<string, T>, key: string, entry: T, generation: number): void {
    if (generation !== this.generation) return;
    if (cache.size >= MEMBER_CACHE_MAX) cache.clear();
    cache.set(key, entry);
  }

  private invalidate(key: string): void {
    this.generation++;
    this.memberLookups.clear();
    if (key === ALL_CHANGED) {
      this.members.clear();
      this.pins.clear();
      this.signingKeys.clear();
      return;
    }
    for (const [hash, entry] of this.members) {
      if (entry.principal && memberChangeKey(entry.principal.domain) === key) this.members.delete(hash);
    }
    for (const [id, entry] of this.signingKeys) {
      if (memberChangeKey(entry.member.domain) === key) this.signingKeys.delete(id);
    }
    // any member's credential change can make a certificate ambiguous (pinned by two members)
    if (key.startsWith(memberChangeKey(''))) this.pins.clear();
  }
}

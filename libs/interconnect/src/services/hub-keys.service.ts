import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { JWK } from 'jose';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ALL_CHANGED, ChangeBus, HubKeyRepository, HubSigningKeyEntity, TransactionRunner } from '@app/db';
import { type ActorContext, systemActor } from '@app/common';
import { AuditTrail } from '@app/audit';
import {
  activeSigningKey,
  type AssertionRequest,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  exportHubPrivateJwk,
  generateHubKey,
  type HubKeyAlgorithm,
  type HubPublicJwk,
  type HubSigningKey,
  importHubKey,
  type Jwks,
  jwksDocument,
  keysToPublish,
  MAX_ASSERTION_TTL_SECONDS,
  signAssertion,
} from '../hub-keys.js';
import { SecretBox } from './secret-box.js';

/** Announced whenever a hub key is created or retired: every process reloads its key set. */
export const HUB_KEYS_CHANGE_KEY = 'hub-keys';
/** Serialises key creation and rotation across hub replicas (transaction-scoped advisory lock). */
const HUB_KEYS_LOCK_KEY = 0x6875626b; // "hubk"
const DAY_MS = 86_400_000;

/** No key this process can sign with exists yet (currentSigningKey does not create one). */
export class NoHubSigningKeyError extends Error {
  constructor() {
    super('no hub signing key yet; one is created when a worker starts or the hub first signs');
    this.name = 'NoHubSigningKeyError';
  }
}

/** A hub key as operators see it: never any private material. */
export interface HubKeyInfo {
  kid: string;
  alg: string;
  createdAt: Date;
  retiresAt: Date | null;
  /** When it leaves the JWKS: retiresAt + the longest assertion lifetime + verifiers' clock tolerance. */
  publishedUntil: Date | null;
  /** Whether it is in the JWKS now. */
  published: boolean;
}

interface StoredKey {
  kid: string;
  alg: HubKeyAlgorithm;
  publicJwk: HubPublicJwk;
  createdAt: Date;
  retiresAt: Date | null;
}

/** Every stored key (public halves) and those whose private half this process can use. */
interface KeySet {
  stored: StoredKey[];
  signing: HubSigningKey[];
}

export interface SignedAssertion {
  assertion: string;
  kid: string;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * The hub's signing keys: the private halves are stored sealed with HUB_SECRET_KEY (AES-256-GCM,
 * bound to their kid), the public halves are published as the JWKS.
 *
 * - On first use (signing or serving the JWKS) a signing key is created if none can sign, under
 *   an advisory lock so replicas starting together create one key, not one each.
 * - `rotate()` creates a new key and retires every other one at once; a retired key stays in the
 *   JWKS until its last assertion expired (keysToPublish). With HUB_KEY_ROTATION_DAYS > 0 the
 *   key is also rotated when it is that old, checked whenever the hub signs.
 * - The key set is cached in-process and reloaded when a change is announced on the ChangeBus
 *   (`hub-keys`), from this process or any other.
 * - Without HUB_SECRET_KEY the keys are sealed with a random key of this process: keys stored by
 *   an earlier process cannot be opened, stay published for verification until they retire, and
 *   a new signing key is made.
 */
@Injectable()
export class HubKeysService {
  private readonly logger = new Logger(HubKeysService.name);
  private readonly box: SecretBox;
  private readonly ephemeral: boolean;
  private warned = false;
  private keySet: Promise<KeySet> | undefined;
  private epoch = 0;
  /** Private keys opened so far, by kid (null: this process cannot open it). Keys never change. */
  private readonly opened = new Map<string, Pick<HubSigningKey, 'privateKey' | 'signBytes'> | null>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: HubKeyRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditTrail,
    private readonly changes: ChangeBus,
  ) {
    this.ephemeral = !config.hubKeys.secretKey;
    this.box = config.hubKeys.secretKey ? new SecretBox(config.hubKeys.secretKey) : SecretBox.ephemeral();
    changes.subscribe((key) => {
      if (key === HUB_KEYS_CHANGE_KEY || key === ALL_CHANGED) {
        this.epoch++;
        this.keySet = undefined;
      }
    });
  }

  /** The JWKS to publish now: every key that signs or may still have signed an unexpired assertion. */
  async jwks(now = new Date()): Promise<Jwks> {
    await this.signingKey(now);
    return jwksDocument(this.published((await this.current()).stored, now));
  }

  /**
   * Every key the hub has had (public halves), retired ones included: for verifying what the hub
   * signed to keep (message-log checkpoints), unlike short-lived assertions verified with jwks().
   */
  async verificationJwks(): Promise<Jwks> {
    return jwksDocument((await this.current()).stored);
  }

  /** Every stored key, newest first, with its schedule (no private material). */
  async list(now = new Date()): Promise<HubKeyInfo[]> {
    const { stored } = await this.current();
    const published = new Set(this.published(stored, now).map((k) => k.kid));
    return [...stored]
      .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime())
      .map((k) => ({
        kid: k.kid,
        alg: k.alg,
        createdAt: k.createdAt,
        retiresAt: k.retiresAt,
        publishedUntil: k.retiresAt ? new Date(k.retiresAt.getTime() + this.publicationGraceMs()) : null,
        published: published.has(k.kid),
      }));
  }

  /** The key to sign with now; creates one (or rotates an old one) when needed. */
  async signingKey(now = new Date()): Promise<HubSigningKey> {
    const usable = this.usable((await this.current()).signing, now);
    return usable ?? this.ensureSigningKey(now);
  }

  /**
   * The key signing now, as it is: never creates a key nor rotates an overdue one (it still signs
   * until it is retired). For senders whose traffic must leave no trace in the operators' audit:
   * the worker makes sure of a key when it starts (HubSigningKeyAtStart), and rotation happens on
   * the hub's own signing.
   */
  async currentSigningKey(now = new Date()): Promise<HubSigningKey> {
    const key = activeSigningKey((await this.current()).signing, now);
    if (!key) throw new NoHubSigningKeyError();
    return key;
  }

  /** Signs an assertion with the current key; the issuer is this hub's domain. */
  async sign(request: Omit<AssertionRequest, 'issuer'>, now = new Date()): Promise<SignedAssertion> {
    const key = await this.signingKey(now);
    const assertion = await signAssertion({ ...request, issuer: this.config.hub.domain }, key, now);
    const issuedAt = Math.floor(now.getTime() / 1000);
    return {
      assertion,
      kid: key.kid,
      issuedAt: new Date(issuedAt * 1000),
      expiresAt: new Date((issuedAt + request.ttlSeconds) * 1000),
    };
  }

  /** A new signing key now; every other key retires now and stays published until its assertions expired. */
  async rotate(actor: ActorContext, now = new Date()): Promise<HubKeyInfo> {
    const created = await this.change(async (manager) => {
      const rows = await this.lockAndLoad(manager);
      const retired = rows.filter((r) => r.retiresAt === null || r.retiresAt > now).map((r) => r.kid);
      for (const kid of retired) await this.repo.retire(kid, now, manager);
      return this.create(manager, now, actor, { reason: 'rotation', retired });
    });
    return {
      kid: created.kid,
      alg: created.alg,
      createdAt: created.createdAt,
      retiresAt: null,
      publishedUntil: null,
      published: true,
    };
  }

  private async ensureSigningKey(requestedAt: Date): Promise<HubSigningKey> {
    const key = await this.tx.run(async (manager) => {
      const rows = await this.lockAndLoad(manager);
      // a key another replica created while we waited is younger than `requestedAt`: judge by now
      const now = new Date(Math.max(requestedAt.getTime(), Date.now()));
      // another replica may have created or rotated the key while we waited for the lock
      const candidates: HubSigningKey[] = [];
      for (const row of rows) {
        const key = await this.open(row);
        if (key) candidates.push(key);
      }
      const existing = this.usable(candidates, now);
      if (existing) return existing;
      const due = activeSigningKey(candidates, now);
      const retired: string[] = [];
      if (due) {
        await this.repo.retire(due.kid, now, manager);
        retired.push(due.kid);
      }
      // keys this process cannot open (sealed by an earlier process without HUB_SECRET_KEY, or
      // with another key): verification only; they retire when they would have been rotated
      for (const row of rows) {
        if (row.retiresAt !== null || this.opened.get(row.kid) !== null) continue;
        const rotationDue = this.rotationMs() > 0 ? row.createdAt.getTime() + this.rotationMs() : 0;
        await this.repo.retire(row.kid, new Date(Math.max(now.getTime(), rotationDue)), manager);
        retired.push(row.kid);
      }
      const created = await this.create(manager, now, systemActor('hub-keys'), {
        reason: due ? 'rotation-due' : 'no-signing-key',
        retired,
      });
      await this.changes.announce([HUB_KEYS_CHANGE_KEY], manager);
      return created;
    });
    // whether this process made the key or found one made meanwhile, its cached key set is stale
    this.changes.deliverLocally([HUB_KEYS_CHANGE_KEY]);
    return key;
  }

  /** A key that can sign now and is not due for automatic rotation, or null. */
  private usable(keys: HubSigningKey[], now: Date): HubSigningKey | null {
    const active = activeSigningKey(keys, now);
    if (!active) return null;
    const rotation = this.rotationMs();
    return rotation > 0 && active.createdAt.getTime() + rotation <= now.getTime() ? null : active;
  }

  private async create(
    manager: EntityManager,
    now: Date,
    actor: ActorContext,
    why: { reason: string; retired: string[] },
  ): Promise<HubSigningKey> {
    const generated = await generateHubKey({ createdAt: now });
    const privateJwk = await exportHubPrivateJwk(generated);
    const row = {
      kid: generated.kid,
      alg: generated.alg,
      publicJwk: { ...generated.publicJwk },
      privateKeyEncrypted: this.box.seal(JSON.stringify(privateJwk), generated.kid),
      createdAt: now,
      retiresAt: null,
    };
    await this.repo.insert(row, manager);
    await this.audit.record(
      actor,
      {
        action: 'hub-key.created',
        targetType: 'hub-key',
        targetId: generated.kid,
        reason: why.reason,
        details: { alg: generated.alg, retired: why.retired },
      },
      manager,
    );
    // keep only a non-extractable copy of the private key in memory
    const key = await importHubKey({ ...row, privateJwk });
    this.opened.set(key.kid, { privateKey: key.privateKey, signBytes: key.signBytes });
    this.logger.log(`hub signing key ${key.kid} created (${why.reason})`);
    return key;
  }

  private async lockAndLoad(manager: EntityManager): Promise<HubSigningKeyEntity[]> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [HUB_KEYS_LOCK_KEY]);
    return this.repo.all(manager);
  }

  /** Runs a key change in a transaction, announces it to every process, and drops this process's cache. */
  private change<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.tx.runAndAnnounce([HUB_KEYS_CHANGE_KEY], work);
  }

  private current(): Promise<KeySet> {
    if (!this.keySet) {
      const startedAt = this.epoch;
      const loading = this.load();
      this.keySet = loading;
      // a change announced while loading makes this key set stale: do not keep it
      loading.then(
        () => {
          if (this.epoch !== startedAt && this.keySet === loading) this.keySet = undefined;
        },
        () => {
          if (this.keySet === loading) this.keySet = undefined;
        },
      );
    }
    return this.keySet;
  }

  private async load(): Promise<KeySet> {
    const rows = await this.repo.all();
    const signing: HubSigningKey[] = [];
    for (const row of rows) {
      const key = await this.open(row);
      if (key) signing.push(key);
    }
    return { stored: rows.map((row) => storedKey(row)), signing };
  }

  /** The usable signing key for a row, or null when it has retired or this process cannot open it. */
  private async open(row: HubSigningKeyEntity): Promise<HubSigningKey | null> {
    if (row.retiresAt !== null && row.retiresAt.getTime() <= Date.now()) return null;
    const stored = storedKey(row);
    if (!this.opened.has(row.kid)) {
      this.warnIfEphemeral();
      try {
        const privateJwk = JSON.parse(this.box.openText(row.privateKeyEncrypted, row.kid)) as JWK;
        const { privateKey, signBytes } = await importHubKey({ ...stored, privateJwk });
        this.opened.set(row.kid, { privateKey, signBytes });
      } catch (error) {
        this.opened.set(row.kid, null);
        this.logger.warn(
          `hub signing key ${row.kid} cannot be opened by this process (${(error as Error).message}); ` +
            'it is kept for verification only until it retires',
        );
      }
    }
    const opened = this.opened.get(row.kid);
    return opened ? { ...stored, ...opened } : null;
  }

  private published(stored: StoredKey[], now: Date): StoredKey[] {
    return keysToPublish(stored, now, {
      maxTtlSeconds: MAX_ASSERTION_TTL_SECONDS,
      leewaySeconds: DEFAULT_CLOCK_TOLERANCE_SECONDS,
    });
  }

  private publicationGraceMs(): number {
    return (MAX_ASSERTION_TTL_SECONDS + DEFAULT_CLOCK_TOLERANCE_SECONDS) * 1000;
  }

  private rotationMs(): number {
    return this.config.hubKeys.rotationDays * DAY_MS;
  }

  private warnIfEphemeral(): void {
    if (!this.ephemeral || this.warned) return;
    this.warned = true;
    this.logger.warn(
      'HUB_SECRET_KEY is not set: hub signing keys are sealed with a random key of this process. Keys stored by an ' +
        'earlier process cannot be opened (they stay published for verification until they retire) and a new signing ' +
        'key is made. Set HUB_SECRET_KEY (32 bytes: `openssl rand -hex 32`) in production.',
    );
  }
}

function storedKey(row: HubSigningKeyEntity): StoredKey {
  return {
    kid: row.kid,
    alg: row.alg as HubKeyAlgorithm,
    publicJwk: row.publicJwk as unknown as HubPublicJwk,
    createdAt: row.createdAt,
    retiresAt: row.retiresAt,
  };
}

/**
 * Makes sure of a signing key when the process starts, so that the first key is never created by
 * (and its audit entry never dated by) a request whose sender must leave no trace.
 */
@Injectable()
export class HubSigningKeyAtStart implements OnApplicationBootstrap {
  constructor(private readonly keys: HubKeysService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.keys.signingKey();
  }
}

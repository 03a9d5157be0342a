import {
  type KeyObject,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { type LiTarget, targetIndexText } from './li-target.js';

/** A sealed value that no configured key opens, or that was altered. */
export class LiSealError extends Error {}

/** LI is disabled (no LI_SECRET_KEY): nothing may be sealed, opened or looked up. */
export class LiDisabledError extends Error {
  constructor() {
    super('lawful interception is disabled (LI_SECRET_KEY is not set)');
  }
}

const FORMAT = 1;
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;

interface DerivedKeys {
  id: Buffer;
  seal: KeyObject;
  index: KeyObject;
}

/**
 * Keys are never used directly: HKDF gives one for sealing and one for the blind index, so the
 * index reveals nothing about the encryption key. The id is the first 8 bytes of SHA-256 of the
 * configured key: a sealed value names the key that opens it without revealing it. The keys are
 * held as KeyObjects: given a Buffer, every HMAC and cipher first checks and wraps it again, which
 * took three quarters of each blind-index lookup (matching computes one per participant).
 */
function derive(secret: Buffer): DerivedKeys {
  if (!Buffer.isBuffer(secret) || secret.length !== 32) throw new RangeError('an LI key is 32 bytes');
  const hkdf = (info: string) => createSecretKey(Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32)));
  return {
    id: createHash('sha256').update(secret).digest().subarray(0, KEY_ID_BYTES),
    seal: hkdf('li-seal'),
    index: hkdf('li-target-index'),
  };
}

/**
 * Seals lawful-interception data at rest (AES-256-GCM, random 96-bit IV) and computes the blind
 * index of targets (HMAC-SHA256). Sealed layout: format (1 byte) | key id (8) | IV (12) | tag (16) |
 * ciphertext of the value's JSON. The current key seals; it and the previous keys open, so values
 * sealed before a rotation stay readable until they are re-sealed.
 */
export class LiSealer {
  private readonly current: DerivedKeys | undefined;
  private readonly openers: Map<string, DerivedKeys>;

  constructor(currentKey: Buffer | undefined, previousKeys: readonly Buffer[] = []) {
    this.current = currentKey ? derive(currentKey) : undefined;
    this.openers = new Map();
    for (const keys of [...(this.current ? [this.current] : []), ...previousKeys.map(derive)]) {
      this.openers.set(keys.id.toString('hex'), keys);
    }
  }

  /** A sealer for a hub where LI is disabled: every use throws LiDisabledError. */
  static disabled(): LiSealer {
    return new LiSealer(undefined);
  }

  get enabled(): boolean {
    return this.current !== undefined;
  }

  seal(value: unknown): Buffer {
    const keys = this.requireCurrent();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', keys.seal, iv, { authTagLength: TAG_BYTES });
    const header = Buffer.concat([Buffer.of(FORMAT), keys.id, iv]);
    cipher.setAAD(header);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([header, cipher.getAuthTag(), ciphertext]);
  }

  open<T>(sealed: Buffer): T {
    this.requireCurrent();
    if (!Buffer.isBuffer(sealed) || sealed.length < HEADER_BYTES || sealed[0] !== FORMAT) {
      throw new LiSealError('not a sealed LI value');
    }
    const keys = this.openers.get(sealed.subarray(1, 1 + KEY_ID_BYTES).toString('hex'));
    if (!keys) throw new LiSealError('sealed with a key that is neither LI_SECRET_KEY nor in LI_PREVIOUS_SECRET_KEYS');
    const headerEnd = 1 + KEY_ID_BYTES + IV_BYTES;
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys.seal, sealed.subarray(1 + KEY_ID_BYTES, headerEnd), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(sealed.subarray(0, headerEnd));
      decipher.setAuthTag(sealed.subarray(headerEnd, HEADER_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as T;
    } catch {
      throw new LiSealError('cannot open the sealed LI value: it was altered');
    }
  }

  /** The id of the current key (bytes 2..9 of every value it seals). */
  get currentKeyId(): Buffer {
    return Buffer.from(this.requireCurrent().id);
  }

  /** True when the value was sealed with the current key (rotation re-seals the others). */
  isSealedWithCurrentKey(sealed: Buffer): boolean {
    const keys = this.requireCurrent();
    return sealed.length >= HEADER_BYTES && sealed.subarray(1, 1 + KEY_ID_BYTES).equals(keys.id);
  }

  /**
   * The blind index of a target: HMAC-SHA256 under a key derived from LI_SECRET_KEY over
   * 'user:' + URI or 'domain:' + domain. The target must already be in normal form (userTarget,
   * domainTarget, or a URI/host taken from a message-log record, which are normalised on ingest).
   */
  targetLookup(target: LiTarget): Buffer {
    return createHmac('sha256', this.requireCurrent().index).update(targetIndexText(target)).digest();
  }

  private requireCurrent(): DerivedKeys {
    if (!this.current) throw new LiDisabledError();
    return this.current;
  }
}

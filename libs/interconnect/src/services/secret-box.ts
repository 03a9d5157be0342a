import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Raised when a sealed value cannot be opened: another key, altered data, or not a sealed value at all. */
export class SecretBoxError extends Error {}

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const b64u = (buffer: Buffer) => buffer.toString('base64url');
const fromB64u = (text: string) => (/^[A-Za-z0-9_-]*$/.test(text) ? Buffer.from(text, 'base64url') : undefined);

/**
 * Authenticated encryption of small secrets at rest: AES-256-GCM with a random 96-bit IV per
 * value. Sealed text: `v1.<iv>.<ciphertext>.<tag>` (base64url parts). The optional associated
 * data (e.g. the row's key id) is authenticated but not stored, so a sealed value copied to
 * another row does not open there.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new RangeError(`a SecretBox key is ${KEY_BYTES} bytes`);
    this.key = Buffer.from(key);
  }

  /** A box with a fresh random key that exists only in this process. */
  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(KEY_BYTES));
  }

  seal(plaintext: string | Buffer, associatedData = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, b64u(iv), b64u(ciphertext), b64u(cipher.getAuthTag())].join('.');
  }

  /** The plaintext bytes; throws SecretBoxError unless the value was sealed with this key and the same associated data. */
  open(sealed: string, associatedData = ''): Buffer {
    const parts = typeof sealed === 'string' ? sealed.split('.') : [];
    const [iv, ciphertext, tag] = parts.length === 4 && parts[0] === VERSION ? parts.slice(1).map(fromB64u) : [];
    if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new SecretBoxError('not a sealed value (expected v1.<iv>.<ciphertext>.<tag>)');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new SecretBoxError('cannot open the sealed value: another key, or the value was altered');
    }
  }

  openText(sealed: string, associatedData = ''): string {
    return this.open(sealed, associatedData).toString('utf8');
  }
}

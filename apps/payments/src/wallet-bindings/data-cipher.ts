import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { DataKey } from '../config/channel-settings';

/** A ciphertext this cipher cannot open: no key of its list made it, or it was altered. */
export class UnreadableSecretError extends Error {
  override name = 'UnreadableSecretError';
}

const VERSION = 'v1';

/**
 * AES-256-GCM for secrets at rest (customer tokens, authCodes): `v1.<key id>.<iv>.<tag>.<data>`,
 * base64url parts, a fresh 96-bit IV each time. The key id (8 hex of the key's SHA-256) picks the
 * key to open it with, so rows written under a previous key stay readable after a rotation; new
 * ones use the first key. The table name and column go in as associated data: a ciphertext
 * copied to another column or row kind does not open.
 */
export class DataCipher {
  private readonly byId: Map<string, DataKey>;

  /** No keys: a deployment without a bound wallet (configuration requires one with OVO). */
  constructor(private readonly keys: readonly DataKey[]) {
    this.byId = new Map(keys.map((k) => [keyId(k), k]));
  }

  encrypt(plain: string, context: string): string {
    if (this.keys.length === 0) throw new Error('no DATA_ENCRYPTION_KEY: nothing can be sealed');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return [VERSION, keyId(this.keys[0]), ...parts].join('.');
  }

  decrypt(sealed: string, context: string): string {
    const [version, id, iv, tag, data] = sealed.split('.');
    const key = this.byId.get(id ?? '');
    if (version !== VERSION || !key || data === undefined)
      throw new UnreadableSecretError('sealed with a key this process does not hold');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(data, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new UnreadableSecretError('the sealed secret does not open (altered, or another key)');
    }
  }
}

function keyId(key: DataKey): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Merchant keys are sealed before they touch the database and opened only in main. The Electron
 * shell seals with the OS keychain (`safeStorage`); browser mode, which has no keychain, seals with
 * AES-256-GCM under a random key kept in `secrets.key` beside the database (mode 0600) — which
 * protects a copied database, not a copied data directory, so the UI shows a warning.
 *
 * Nothing here logs a secret; the renderer only ever sees `set` and a fingerprint.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretStore {
  /** 'os': sealed by the operating system's keychain; 'file': by a key file in the data directory */
  readonly kind: 'os' | 'file';
  /** shown to the owner when the protection is weaker than the OS keychain */
  readonly warning: string | null;
  seal(plain: string): string;
  open(sealed: string): string;
}

/** A short, stable, non-reversible identifier of a secret, safe to show. */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 12)}`;
}

const PREFIX = 'gcm1:';

export class FileSecretStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly warning =
    'Browser mode keeps merchant keys encrypted with a key file in the data directory: anyone who can copy that directory can read them. Use the desktop app (OS keychain) for real keys.';
  private readonly key: Buffer;

  constructor(dataDir: string) {
    const file = join(dataDir, 'secrets.key');
    if (existsSync(file)) {
      this.key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
      if (this.key.length !== 32)
        throw new Error(`${file} is not a 256-bit key; restore it, or delete it and enter the merchant keys again`);
    } else {
      this.key = randomBytes(32);
      writeFileSync(file, this.key.toString('base64') + '\n', { mode: 0o600 });
    }
    try {
      chmodSync(file, 0o600);
    } catch {
      /* not every file system has modes */
    }
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX))
      throw new Error('this secret was sealed by the desktop app (OS keychain) and cannot be opened in browser mode');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

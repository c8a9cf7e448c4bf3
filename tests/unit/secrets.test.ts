import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSecretStore, fingerprint } from '../../src/main/core/secrets';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
const dir = () => {
  const t = tempDir('pos-secrets-');
  cleanups.push(t.cleanup);
  return t.dir;
};

describe('secrets in browser mode', () => {
  it('seals and opens, never storing the plain text, with a key file only the owner can read', () => {
    const d = dir();
    const box = new FileSecretStore(d);
    const sealed = box.seal('192006250b4c09247ec02edce69f6a2d');
    expect(sealed).not.toContain('192006250b4c');
    expect(box.seal('same')).not.toBe(box.seal('same')); // a fresh IV each time
    expect(new FileSecretStore(d).open(sealed)).toBe('192006250b4c09247ec02edce69f6a2d');
    if (process.platform !== 'win32') expect(statSync(join(d, 'secrets.key')).mode & 0o077).toBe(0);
    expect(box.warning).toMatch(/data directory/);
  });

  it('refuses a tampered secret, another data directory’s key, and an OS-keychain secret', () => {
    const d = dir();
    const box = new FileSecretStore(d);
    const sealed = box.seal('secret');
    const raw = Buffer.from(sealed.slice(5), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.open(`gcm1:${raw.toString('base64')}`)).toThrow();
    expect(() => new FileSecretStore(dir()).open(sealed)).toThrow();
    expect(() => box.open('os1:AAAA')).toThrow(/desktop app/);
  });

  it('refuses a damaged key file with a clear message', () => {
    const d = dir();
    writeFileSync(join(d, 'secrets.key'), 'short');
    expect(() => new FileSecretStore(d)).toThrow(/not a 256-bit key/);
    expect(readFileSync(join(d, 'secrets.key'), 'utf8')).toBe('short');
  });

  it('fingerprints without revealing the secret', () => {
    expect(fingerprint('abc')).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(fingerprint('abc')).toBe(fingerprint('abc'));
    expect(fingerprint('abc')).not.toBe(fingerprint('abd'));
  });
});

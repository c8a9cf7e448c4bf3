/** What every part of the sandbox is handed: state, credentials, the clock and the notifier's wake-up. */
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import type { SandboxCredentials } from './credentials';
import type { Scenarios } from './scenarios';
import type { Store } from './store';

export interface Ctx {
  store: Store;
  creds: SandboxCredentials;
  scenarios: Scenarios;
  /** the sandbox clock: the injected base plus the durable offset advanced by the control API */
  now(): number;
  /** multiplies notification retry delays (1 = real habits, 0.001 = minutes become tenths of seconds) */
  notifyTimeScale: number;
  /** the base URL the server listens at (fallback when a request carries no Host) */
  baseUrl: string;
  /** a key that is NOT the platform key, for the bad_signature scenario */
  wrongAlipayKey: string;
  /** secret for self-contained bill download links */
  linkSecret: Buffer;
  /** wake the notifier (a notification was queued) */
  kick(): void;
}

let wrongKey: string | null = null;
/** One throwaway RSA key per process, generated on first use. */
export function throwawayRsaKey(): string {
  wrongKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return wrongKey;
}

export function randomDigits(n: number): string {
  let s = '';
  while (s.length < n) s += String(randomInt(0, 10));
  return s;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export function randomAlnum(n: number, alphabet = ALNUM): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

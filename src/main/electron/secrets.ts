/** Seals merchant keys with the OS keychain through Electron's safeStorage. */
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/secrets';

const PREFIX = 'os1:';

export function osSecretStore(): SecretStore {
  const available = safeStorage.isEncryptionAvailable();
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  const weak = !available || backend === 'basic_text';
  return {
    kind: 'os',
    warning: weak
      ? 'No OS keychain is available (on Linux: install and unlock a secret service such as GNOME Keyring or KWallet); merchant keys are only obscured, not encrypted.'
      : null,
    seal(plain) {
      return PREFIX + safeStorage.encryptString(plain).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX))
        throw new Error('this secret was sealed in browser mode; enter it again in the desktop app');
      return safeStorage.decryptString(Buffer.from(sealed.slice(PREFIX.length), 'base64'));
    },
  };
}

/** Command-line and environment settings shared by both entry points (Electron and browser mode). */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const PRODUCT_NAME = 'Counter POS';

export interface LaunchOptions {
  /** From `--data-dir DIR` or `POS_DATA_DIR`; undefined means the platform's per-user default. */
  dataDir: string | undefined;
  port: number;
  /** `--payments-config FILE` or `POS_PAYMENTS_CONFIG`: payment settings applied at start-up */
  paymentsConfig: string | undefined;
  /** start the embedded intermediary sandbox (default yes; `POS_SANDBOX=off` or `--no-sandbox-child`) */
  sandbox: boolean;
}

export function readFlag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === name) return argv[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

export function parseLaunch(argv: readonly string[], env: NodeJS.ProcessEnv): LaunchOptions {
  const dir = readFlag(argv, '--data-dir') ?? env.POS_DATA_DIR;
  const portText = readFlag(argv, '--port') ?? env.POS_PORT ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535, not "${portText}"`);
  }
  const paymentsConfig = readFlag(argv, '--payments-config') ?? env.POS_PAYMENTS_CONFIG;
  const sandbox = !argv.includes('--no-sandbox-child') && !['off', '0', 'false', 'no'].includes((env.POS_SANDBOX ?? '').toLowerCase());
  return { dataDir: dir ? resolve(dir) : undefined, port, paymentsConfig: paymentsConfig ? resolve(paymentsConfig) : undefined, sandbox };
}

/** The same folder Electron's `app.getPath('userData')` gives, so both modes share a till's data. */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}

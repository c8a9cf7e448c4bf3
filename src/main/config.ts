/** Command-line and environment settings shared by both entry points (Electron and browser mode). */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PaymentTiming } from './core/payments/attempts';

export const PRODUCT_NAME = 'Counter POS';

export interface LaunchOptions {
  /** From `--data-dir DIR` or `POS_DATA_DIR`; undefined means the platform's per-user default. */
  dataDir: string | undefined;
  port: number;
  /** `--payments-config FILE` or `POS_PAYMENTS_CONFIG` (a path, or inline JSON): payment settings applied at start-up */
  paymentsConfig: string | undefined;
  /** start the embedded intermediary sandbox (default yes; `POS_SANDBOX=off` or `--no-sandbox-child`) */
  sandbox: boolean;
  /**
   * a store this start creates requires an open drawer before cash (default yes, the product's
   * default; `POS_NEW_STORE_REQUIRE_DRAWER=off` for test fixtures that sell cash on a fresh store).
   * An existing store keeps its own setting (the owner's, in Settings).
   */
  newStoreRequiresDrawer: boolean;
  /** testers' overrides of how long a QR / a payment code / a cashier page is waited for */
  timing: { qrTtlMs?: number; codeTtlMs?: number; redirectTtlMs?: number };
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
  const sandbox =
    !argv.includes('--no-sandbox-child') &&
    !['off', '0', 'false', 'no'].includes((env.POS_SANDBOX ?? '').toLowerCase());
  const newStoreRequiresDrawer = !['off', '0', 'false', 'no'].includes(
    (env.POS_NEW_STORE_REQUIRE_DRAWER ?? '').toLowerCase(),
  );
  const seconds = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 1 || n > 86_400)
      throw new Error(`${name} must be a number of seconds from 1 to 86400, not "${raw}"`);
    return Math.round(n * 1000);
  };
  const timing = {
    qrTtlMs: seconds('POS_QR_TTL_SECONDS'),
    codeTtlMs: seconds('POS_CODE_TTL_SECONDS'),
    redirectTtlMs: seconds('POS_REDIRECT_TTL_SECONDS'),
  };
  return {
    dataDir: dir ? resolve(dir) : undefined,
    port,
    // a path, or the JSON itself (POS_PAYMENTS_CONFIG='{"alipay": {…}}') for environments without files
    paymentsConfig: paymentsConfig
      ? paymentsConfig.trim().startsWith('{')
        ? paymentsConfig
        : resolve(paymentsConfig)
      : undefined,
    sandbox,
    newStoreRequiresDrawer,
    timing,
  };
}

/** The same folder Electron's `app.getPath('userData')` gives, so both modes share a till's data. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}

/** The payment timing with a launch's overrides applied. */
export function timingFrom(base: PaymentTiming, o: LaunchOptions['timing']): PaymentTiming {
  return {
    ...base,
    qrTtlMs: o.qrTtlMs ?? base.qrTtlMs,
    redirectTtlMs: o.redirectTtlMs ?? base.redirectTtlMs,
    codeTtlMs: o.codeTtlMs ? { alipay: o.codeTtlMs, wechat: o.codeTtlMs, yeepay: o.codeTtlMs } : base.codeTtlMs,
  };
}

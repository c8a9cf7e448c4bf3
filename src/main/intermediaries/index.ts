/**
 * The payment clients' entry point: `createProvider(config, deps)` builds the client for one
 * validated provider configuration; `sandboxConfigs(baseUrl)` builds all three from the demo
 * credentials in resources/sandbox for a sandbox base URL (the embedded default).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AlipayClient } from './alipay/client';
import {
  parseProviderConfig,
  type AlipayConfig,
  type ProviderConfig,
  type WechatConfig,
  type YeepayConfig,
} from './config';
import { fetchHttp } from './http';
import type { ClientDeps, PaymentProvider, ProviderId } from './provider';
import { WechatClient } from './wechat/client';
import { YeepayClient } from './yeepay/client';

export { AlipayClient } from './alipay/client';
export { WechatClient } from './wechat/client';
export { YeepayClient } from './yeepay/client';
export { UnsupportedOperation, fetchHttp } from './http';
export {
  InvalidProviderConfig,
  parseProviderConfig,
  type AlipayConfig,
  type ProviderConfig,
  type ProviderConfigInput,
  type WechatConfig,
  type YeepayConfig,
} from './config';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Fill in the defaults: fetch with a timeout, the real clock, 32 random hex chars as the nonce. */
export function defaultDeps(deps: Partial<ClientDeps> = {}): ClientDeps {
  return {
    http: deps.http ?? fetchHttp,
    now: deps.now ?? Date.now,
    nonce: deps.nonce ?? (() => randomBytes(16).toString('hex')),
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    answered: deps.answered,
  };
}

/**
 * Validate `config` (throws InvalidProviderConfig with every problem in plain words) and build the
 * client for it.
 */
export function createProvider(config: unknown, deps: Partial<ClientDeps> = {}): PaymentProvider {
  const cfg = parseProviderConfig(config);
  const d = defaultDeps(deps);
  switch (cfg.provider) {
    case 'alipay':
      return new AlipayClient(cfg, d);
    case 'wechat':
      return new WechatClient(cfg, d);
    case 'yeepay':
      return new YeepayClient(cfg, d);
  }
}

export type SandboxConfigs = { alipay: AlipayConfig; wechat: WechatConfig; yeepay: YeepayConfig };

interface Credentials {
  yeepay: { merchantId: string; key: string };
  alipay: { appId: string; sellerId?: string; appPrivateKeyFile: string; alipayPublicKeyFile: string };
  wechat: { appId: string; mchId: string; apiKey: string };
  paths: {
    yeepay: { node: string; command: string; statement?: string };
    alipay: { gateway: string };
    wechat: { base: string };
  };
}

/** Where resources/sandbox is: next to the source tree, next to out/main, or in Electron's resources. */
export function sandboxCredentialsDir(): string {
  const candidates = [
    process.env.POS_SANDBOX_CREDENTIALS_DIR,
    join(process.cwd(), 'resources', 'sandbox'),
    resolve(__dirname, '..', '..', 'resources', 'sandbox'),
    resolve(__dirname, '..', '..', '..', 'resources', 'sandbox'),
    (process as { resourcesPath?: string }).resourcesPath
      ? join((process as { resourcesPath?: string }).resourcesPath!, 'sandbox')
      : undefined,
  ];
  for (const c of candidates) if (c && existsSync(join(c, 'credentials.json'))) return c;
  throw new Error('cannot find resources/sandbox/credentials.json (set POS_SANDBOX_CREDENTIALS_DIR)');
}

/**
 * The three providers' configurations for a sandbox at `baseUrl` (e.g. `http://127.0.0.1:PORT`),
 * with the SANDBOX-ONLY demo credentials. Each is validated like any other configuration.
 */
export function sandboxConfigs(baseUrl: string, dir: string = sandboxCredentialsDir()): SandboxConfigs {
  const cred = JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8')) as Credentials;
  const base = baseUrl.replace(/\/+$/, '');
  const pem = (file: string) => readFileSync(join(dir, file), 'utf8');
  const parse = <T extends ProviderConfig>(c: unknown) => parseProviderConfig(c) as T;
  return {
    alipay: parse<AlipayConfig>({
      provider: 'alipay',
      gatewayUrl: `${base}${cred.paths.alipay.gateway}`,
      appId: cred.alipay.appId,
      sellerId: cred.alipay.sellerId,
      appPrivateKeyPem: pem(cred.alipay.appPrivateKeyFile),
      alipayPublicKeyPem: pem(cred.alipay.alipayPublicKeyFile),
    }),
    wechat: parse<WechatConfig>({
      provider: 'wechat',
      apiBase: `${base}${cred.paths.wechat.base}`,
      appId: cred.wechat.appId,
      mchId: cred.wechat.mchId,
      apiKey: cred.wechat.apiKey,
      signType: 'MD5',
    }),
    yeepay: parse<YeepayConfig>({
      provider: 'yeepay',
      nodeUrl: `${base}${cred.paths.yeepay.node}`,
      commandUrl: `${base}${cred.paths.yeepay.command}`,
      merchantId: cred.yeepay.merchantId,
      key: cred.yeepay.key,
      // the sandbox serves its documented statement CSV here (the legacy gateway has none)
      statementUrl: `${base}${cred.paths.yeepay.statement ?? '/yeepay/app-merchant-proxy/statement'}`,
    }),
  };
}

/**
 * The sandbox's customer pages (behind an Alipay `qr_code` and a WeChat `code_url`: see
 * `alipayQrUrl` in src/sandbox/alipay.ts and `wechatQrUrl` in src/sandbox/wechat.ts), as paths under
 * its base URL: the only sandbox pages a link in the till may open (not its control API). YeePay's
 * cashier page opens in the app's own cashier window, not through a link.
 */
export const SANDBOX_CUSTOMER_PAGES: Readonly<Record<ProviderId, readonly string[]>> = {
  alipay: ['/alipay/qr/'],
  wechat: ['/wechat/bizpayurl'],
  yeepay: [],
};

/** The fields of each provider's configuration that name the gateway (not the till's own notify URL). */
export const GATEWAY_URL_FIELDS: Readonly<Record<ProviderId, readonly string[]>> = {
  alipay: ['gatewayUrl'],
  wechat: ['apiBase'],
  yeepay: ['nodeUrl', 'commandUrl'],
};

export const PROVIDER_IDS: readonly ProviderId[] = ['alipay', 'wechat', 'yeepay'];

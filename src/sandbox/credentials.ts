/**
 * The demo credentials the sandbox accepts (resources/sandbox/credentials.json and the PEM files
 * beside it). The sandbox holds: the YeePay key and WeChat API key (shared secrets), the Alipay
 * app PUBLIC key (to verify requests) and the Alipay platform PRIVATE key (to sign answers).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { YEEPAY_MAX_KEY_BYTES } from './signing';

export interface SandboxCredentials {
  file: string;
  yeepay: { merchantId: string; key: string };
  alipay: {
    appId: string;
    sellerId: string;
    appPublicKey: string;
    platformPrivateKey: string;
    platformPublicKey: string;
  };
  wechat: { appId: string; mchId: string; apiKey: string };
}

/** Where credentials.json is looked for when none is given: beside the sources and beside the build. */
export function defaultCredentialsFile(): string {
  const candidates = [
    resolve(__dirname, '../../resources/sandbox/credentials.json'),
    // a build that put this code in a shared chunk (out/main/chunks/)
    resolve(__dirname, '../../../resources/sandbox/credentials.json'),
    resolve(process.cwd(), 'resources/sandbox/credentials.json'),
  ];
  return candidates.find((f) => existsSync(f)) ?? (candidates[0] as string);
}

function str(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) throw new Error(`credentials: ${path} is missing`);
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur !== 'string' || cur === '') throw new Error(`credentials: ${path} must be a non-empty string`);
  return cur;
}

export function loadCredentials(file?: string): SandboxCredentials {
  const path = resolve(file ?? defaultCredentialsFile());
  if (!existsSync(path)) throw new Error(`credentials file not found: ${path} (pass --credentials FILE)`);
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const dir = dirname(path);
  const pem = (name: string): string => {
    const f = str(json, name);
    return readFileSync(isAbsolute(f) ? f : join(dir, f), 'utf8');
  };
  const creds: SandboxCredentials = {
    file: path,
    yeepay: { merchantId: str(json, 'yeepay.merchantId'), key: str(json, 'yeepay.key') },
    alipay: {
      appId: str(json, 'alipay.appId'),
      sellerId: str(json, 'alipay.sellerId'),
      appPublicKey: pem('alipay.appPublicKeyFile'),
      platformPrivateKey: pem('alipay.alipayPrivateKeyFile'),
      platformPublicKey: pem('alipay.alipayPublicKeyFile'),
    },
    wechat: { appId: str(json, 'wechat.appId'), mchId: str(json, 'wechat.mchId'), apiKey: str(json, 'wechat.apiKey') },
  };
  if (Buffer.byteLength(creds.yeepay.key, 'utf8') > YEEPAY_MAX_KEY_BYTES)
    throw new Error('credentials: the YeePay key is longer than 64 bytes');
  // fail at start-up, not on the first request, if a key file is not a usable key
  createPublicKey(creds.alipay.appPublicKey);
  createPrivateKey(creds.alipay.platformPrivateKey);
  createPublicKey(creds.alipay.platformPublicKey);
  return creds;
}

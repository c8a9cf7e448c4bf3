/**
 * Per-provider client configuration, validated with zod so a wrong key format, a key that is too
 * long or a non-http URL is refused with a clear message before any request is signed.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';

const httpUrl = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .refine((s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
      } catch {
        return false;
      }
    }, `${what} must be an http:// or https:// URL`);

const nonEmpty = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`);

function pemCheck(kind: 'private' | 'public', what: string) {
  return z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .superRefine((pem, ctx) => {
      if (kind === 'public' && /PRIVATE KEY-----/.test(pem)) {
        // node would derive a public key from it, silently verifying with the wrong key
        ctx.addIssue({
          code: 'custom',
          message: `${what} is a private key; the app needs the Alipay platform PUBLIC key here`,
        });
        return;
      }
      if (!/-----BEGIN [A-Z ]+-----/.test(pem)) {
        ctx.addIssue({
          code: 'custom',
          message: `${what} must be a PEM (-----BEGIN ${kind === 'private' ? 'PRIVATE KEY' : 'PUBLIC KEY'}-----…)`,
        });
        return;
      }
      if (kind === 'public' && /PRIVATE KEY/.test(pem)) {
        // node would derive the public half from a private key; a private key does not belong here
        ctx.addIssue({
          code: 'custom',
          message: `${what} is a private key; the app needs the Alipay platform PUBLIC key here (never paste a private key you were not asked for)`,
        });
        return;
      }
      try {
        const key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
        if (key.asymmetricKeyType !== 'rsa') {
          ctx.addIssue({
            code: 'custom',
            message: `${what} must be an RSA key (RSA2 = SHA256withRSA), not ${key.asymmetricKeyType ?? 'unknown'}`,
          });
          return;
        }
        const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
        if (bits < 2048)
          ctx.addIssue({ code: 'custom', message: `${what} is ${bits}-bit; RSA2 needs 2048 bits or more` });
      } catch (err) {
        const hint =
          kind === 'public' && /PRIVATE KEY/.test(pem)
            ? ' (this is a private key; the app needs the Alipay platform PUBLIC key here)'
            : kind === 'private' && /PUBLIC KEY/.test(pem)
              ? ' (this is a public key; the app needs its own app PRIVATE key here)'
              : '';
        ctx.addIssue({
          code: 'custom',
          message: `${what} cannot be read as an RSA ${kind} key${hint}: ${(err as Error).message}`,
        });
      }
    });
}

export const alipayConfigSchema = z.object({
  provider: z.literal('alipay'),
  /** the full gateway URL, e.g. `https://openapi.alipay.com/gateway.do` or `${sandbox}/alipay/gateway.do` */
  gatewayUrl: httpUrl('Alipay gateway URL'),
  appId: nonEmpty('Alipay app_id').regex(/^\d{16}$/, 'Alipay app_id is 16 digits'),
  /** the merchant PID (2088…); checked against notifications and bills when set */
  sellerId: z
    .string()
    .trim()
    .regex(/^2088\d{12}$/, 'Alipay seller_id (PID) is 16 digits starting 2088')
    .optional(),
  appPrivateKeyPem: pemCheck('private', 'Alipay app private key'),
  alipayPublicKeyPem: pemCheck('public', 'Alipay platform public key'),
  /** optional async notification URL, sent as notify_url */
  notifyUrl: httpUrl('Alipay notify URL').optional(),
});

export const wechatConfigSchema = z.object({
  provider: z.literal('wechat'),
  /** API base without a trailing path, e.g. `https://api.mch.weixin.qq.com` or `${sandbox}/wechat` */
  apiBase: httpUrl('WeChat API base URL'),
  appId: nonEmpty('WeChat appid'),
  mchId: nonEmpty('WeChat mch_id').regex(/^\d{6,12}$/, 'WeChat mch_id is digits'),
  apiKey: z
    .string({ error: 'WeChat API key is required' })
    .regex(
      /^[0-9A-Za-z]{32}$/,
      'WeChat API key is the 32-character key from the merchant platform (letters and digits)',
    ),
  signType: z.enum(['MD5', 'HMAC-SHA256'], { error: 'WeChat sign type is MD5 or HMAC-SHA256' }).default('MD5'),
  /** notify_url for unifiedorder (required by WeChat; defaults to an address that never delivers) */
  notifyUrl: httpUrl('WeChat notify URL').optional(),
});

export const yeepayConfigSchema = z.object({
  provider: z.literal('yeepay'),
  /** the node URL, e.g. `${gateway}/app-merchant-proxy/node` */
  nodeUrl: httpUrl('YeePay node URL'),
  /** the command URL, e.g. `${gateway}/app-merchant-proxy/command` */
  commandUrl: httpUrl('YeePay command URL'),
  merchantId: nonEmpty('YeePay merchant id (p1_MerId)').regex(/^\d{6,20}$/, 'YeePay merchant id is digits'),
  key: z
    .string({ error: 'YeePay key is required' })
    .min(1, 'YeePay key is required')
    .refine(
      (k) => Buffer.byteLength(k, 'utf8') <= 64,
      'YeePay key is longer than 64 bytes; the HMAC-MD5 demos disagree on such keys, so it is refused (issued keys are 60 characters)',
    )
    .refine((k) => k === k.trim(), 'YeePay key has leading or trailing spaces (a copy-paste slip?)'),
  /** optional CSV statement URL (the sandbox's documented YeePay statement); statements are off without it */
  statementUrl: httpUrl('YeePay statement URL').optional(),
});

export const providerConfigSchema = z.discriminatedUnion('provider', [
  alipayConfigSchema,
  wechatConfigSchema,
  yeepayConfigSchema,
]);

export type AlipayConfig = z.infer<typeof alipayConfigSchema>;
export type WechatConfig = z.infer<typeof wechatConfigSchema>;
export type YeepayConfig = z.infer<typeof yeepayConfigSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
/** What callers may pass: optional fields with defaults may be left out. */
export type ProviderConfigInput = z.input<typeof providerConfigSchema>;

/** Every field of each provider's configuration that is a URL: the gateway's, or one the intermediary calls (notify). */
export const URL_FIELDS = {
  alipay: { gatewayUrl: 'Alipay gateway URL', notifyUrl: 'Alipay notify URL' },
  wechat: { apiBase: 'WeChat API base URL', notifyUrl: 'WeChat notify URL' },
  yeepay: { nodeUrl: 'YeePay node URL', commandUrl: 'YeePay command URL', statementUrl: 'YeePay statement URL' },
} as const satisfies Record<ProviderConfig['provider'], Record<string, string>>;

/** 127.0.0.0/8, ::1 and localhost: a gateway on this machine (the sandbox, a test double). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && v4[1] === '127' && v4.slice(2).every((o) => Number(o) <= 255);
}

export interface TransportProblem {
  field: string;
  message: string;
}

/**
 * Where money is asked for and confirmed must not travel in clear: a production configuration needs
 * https:// for every URL (docs/security.md); plain http:// is accepted only for a sandbox on this
 * machine (loopback). Values that are not http(s) URLs at all are left to the schema above.
 */
export function transportProblems(
  provider: ProviderConfig['provider'],
  fields: Readonly<Record<string, string | undefined>>,
  environment: 'sandbox' | 'production',
): TransportProblem[] {
  const problems: TransportProblem[] = [];
  for (const [field, what] of Object.entries(URL_FIELDS[provider])) {
    const value = fields[field]?.trim();
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:') continue;
    if (environment === 'production') {
      problems.push({ field, message: `${what} must be an https:// URL for a production gateway` });
    } else if (!isLoopbackHost(url.hostname)) {
      problems.push({
        field,
        message: `${what} must be an https:// URL (plain http:// is accepted only for a sandbox on this computer: 127.0.0.1, ::1 or localhost)`,
      });
    }
  }
  return problems;
}

export class InvalidProviderConfig extends Error {
  constructor(
    readonly provider: string,
    readonly problems: string[],
  ) {
    super(`invalid ${provider} configuration: ${problems.join('; ')}`);
    this.name = 'InvalidProviderConfig';
  }
}

/** Parse and validate, or throw InvalidProviderConfig listing every problem in plain words. */
export function parseProviderConfig(input: unknown): ProviderConfig {
  const r = providerConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const provider =
    input && typeof input === 'object' && 'provider' in input
      ? String((input as { provider: unknown }).provider)
      : 'payment provider';
  throw new InvalidProviderConfig(
    provider,
    r.error.issues.map((i) =>
      i.path.length && !i.message.includes(String(i.path[0])) ? `${i.path.join('.')}: ${i.message}` : i.message,
    ),
  );
}

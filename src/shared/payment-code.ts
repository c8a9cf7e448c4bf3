/**
 * The one recogniser of customers' payment codes (付款码), used by the pay screen to tell Alipay from
 * WeChat Pay by the prefix and by main before anything is sent (`core/payments/attempts.ts`). Pure.
 *
 * - Alipay: 16–24 digits starting `25`–`30`; face-pay codes start `fp` (docs/protocols.md §2.5).
 * - WeChat Pay: 18 digits starting `10`–`15` (docs/protocols.md §3.3).
 */
import type { ProviderId } from './types';

/** The providers whose payment codes the till can take. */
export type CodeProvider = Extract<ProviderId, 'alipay' | 'wechat'>;

const FORMATS: { provider: CodeProvider; pattern: RegExp }[] = [
  { provider: 'alipay', pattern: /^(?:2[5-9]|30)\d{14,22}$/ },
  { provider: 'alipay', pattern: /^fp\d{10,30}$/ },
  { provider: 'wechat', pattern: /^1[0-5]\d{16}$/ },
];

/** A scanned or typed code as sent: spaces a scanner or a clerk put in are dropped. */
export function normalisePaymentCode(raw: string): string {
  return raw.replace(/\s+/g, '');
}

/** Which provider's format `code` has (exactly as given: normalise first), or null for none. */
export function recognisePaymentCode(code: string): CodeProvider | null {
  for (const f of FORMATS) if (f.pattern.test(code)) return f.provider;
  return null;
}

/** True when `code` is a well-formed payment code of `provider`. */
export function isPaymentCodeOf(provider: ProviderId, code: string): boolean {
  return recognisePaymentCode(code) === provider;
}

/**
 * A payment code as it may be shown (it is a bearer token while it lives): the first 4 and the last
 * 4 characters, the rest as `*`. Short text is masked whole but for its last character.
 */
export function maskPaymentCode(code: string): string {
  if (code.length <= 8) return `${'*'.repeat(Math.max(0, code.length - 1))}${code.slice(-1)}`;
  return `${code.slice(0, 4)}${'*'.repeat(code.length - 8)}${code.slice(-4)}`;
}

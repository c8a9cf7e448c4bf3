/**
 * What the pay screen needs to know about intermediary payments, without computing anything
 * about money: which methods to offer and how to tell an Alipay payment code from a WeChat one.
 * How an attempt is doing comes from main (`AttemptView.display`), never worked out here.
 */
import { normalisePaymentCode, recognisePaymentCode } from '../../../shared/payment-code';
import type { Translate } from '../i18n';
import type { IntermediaryMode, PaymentMethod, PaymentOption, ProviderId } from '../../../shared/types';

/** Each provider's recognisable colour and one-character mark. */
export const PROVIDER_LOOK: Record<ProviderId, { color: string; mark: string }> = {
  alipay: { color: '#1677ff', mark: '支' },
  wechat: { color: '#07a35a', mark: '微' },
  yeepay: { color: '#c8102e', mark: '易' },
};

/** A button on the pay screen. `code` stands for payment-code entry by every provider offering it. */
export type MethodChoice =
  | { kind: 'cash' }
  | { kind: 'qr'; provider: 'alipay' | 'wechat'; sandbox: boolean }
  | { kind: 'redirect'; provider: ProviderId; sandbox: boolean }
  | { kind: 'code'; providers: ProviderId[]; sandbox: boolean };

export function choiceId(c: MethodChoice): string {
  if (c.kind === 'cash') return 'cash';
  if (c.kind === 'code') return 'code';
  return `${c.provider}:${c.kind}`;
}

/** The data-testid of a method button (docs/testing.md). */
export function choiceTestId(c: MethodChoice): string {
  if (c.kind === 'cash') return 'pay-cash';
  if (c.kind === 'code') return 'pay-code';
  if (c.kind === 'qr') return `pay-${c.provider}-qr`;
  return c.provider === 'yeepay' ? 'pay-yeepay' : `pay-${c.provider}-redirect`;
}

const ORDER: ProviderId[] = ['alipay', 'wechat', 'yeepay'];

/**
 * The key that picks each method on the pay screen (docs/testing.md, Keyboard): F1 cash, F2 Alipay,
 * F3 WeChat Pay, F4 YeePay (each provider's first way: QR, else its cashier page), F5 payment code,
 * then F6, F7 for a provider's second way.
 */
export function methodKeys(choices: MethodChoice[]): Map<string, string> {
  const keys = new Map<string, string>();
  const spare = ['F6', 'F7'];
  for (const c of choices) {
    let key: string | undefined;
    if (c.kind === 'cash') key = 'F1';
    else if (c.kind === 'code') key = 'F5';
    else {
      const first = `F${ORDER.indexOf(c.provider) + 2}`;
      key = [...keys.values()].includes(first) ? spare.shift() : first;
    }
    if (key) keys.set(choiceId(c), key);
  }
  return keys;
}

/** Cash first, then the QR methods, the cashier-page methods, and one payment-code entry. */
export function methodChoices(options: PaymentOption[]): MethodChoice[] {
  const out: MethodChoice[] = [{ kind: 'cash' }];
  const has = (p: ProviderId, m: IntermediaryMode) => options.find((o) => o.provider === p && o.mode === m);
  for (const p of ORDER) {
    const o = has(p, 'qr');
    if (o && p !== 'yeepay') out.push({ kind: 'qr', provider: p, sandbox: o.sandbox });
  }
  for (const p of ORDER) {
    const o = has(p, 'redirect');
    if (o) out.push({ kind: 'redirect', provider: p, sandbox: o.sandbox });
  }
  const code = ORDER.filter((p) => has(p, 'payment_code'));
  if (code.length > 0)
    out.push({ kind: 'code', providers: code, sandbox: code.some((p) => has(p, 'payment_code')?.sandbox) });
  return out;
}

export type CodeVerdict =
  | { kind: 'ok'; provider: ProviderId }
  | { kind: 'unknown' }
  /** a well-formed code of a provider whose payment codes are not enabled here */
  | { kind: 'disabled'; provider: ProviderId };

/** Which provider a scanned payment code belongs to, by its prefix and length (shared/payment-code.ts). */
export function classifyPaymentCode(raw: string, enabled: ProviderId[]): CodeVerdict {
  const provider = recognisePaymentCode(normalisePaymentCode(raw));
  if (provider === null) return { kind: 'unknown' };
  return enabled.includes(provider) ? { kind: 'ok', provider } : { kind: 'disabled', provider };
}

/** mm:ss until the deadline (00:00 once it has passed). */
export function countdown(deadlineAt: number, now: number): string {
  const s = Math.max(0, Math.ceil((deadlineAt - now) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** How an order was paid, in words: "Cash + Alipay" for a split order, "—" (method.none) while unpaid. */
export function paidBy(methods: readonly PaymentMethod[], t: Translate): string {
  return methods.length > 0 ? methods.map((m) => t(`method.${m}`)).join(' + ') : t('method.none');
}

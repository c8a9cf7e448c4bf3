/** Display helpers: times, discounts. Amounts are formatted only with `formatFen`. */
import { formatFen } from '../../../shared/money';
import type { Discount, Locale } from '../../../shared/types';
import type { Translate } from '../i18n';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  locale: Locale,
  timeZone: string | undefined,
  withDate: boolean,
  withSeconds: boolean,
): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}|${withDate}|${withSeconds}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(withSeconds ? { second: '2-digit' } : {}),
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
    };
    const tag = locale === 'zh-CN' ? 'zh-CN' : 'en-GB';
    try {
      f = new Intl.DateTimeFormat(tag, { ...options, ...(timeZone ? { timeZone } : {}) });
    } catch {
      f = new Intl.DateTimeFormat(tag, options); // an unknown time zone: fall back to the machine's
    }
    formatters.set(key, f);
  }
  return f;
}

export function formatTime(ms: number, locale: Locale, timeZone?: string, withSeconds = false): string {
  return formatter(locale, timeZone, false, withSeconds).format(ms);
}

export function formatDateTime(ms: number, locale: Locale, timeZone?: string): string {
  return formatter(locale, timeZone, true, false).format(ms);
}

/** `10% off` / `¥5.00 off` (优惠 10% / 优惠 ¥5.00). */
export function discountLabel(discount: Discount, t: Translate): string {
  return discount.kind === 'percent'
    ? t('discount.percentOff', { value: discount.value })
    : t('discount.amountOff', { amount: formatFen(discount.value) });
}

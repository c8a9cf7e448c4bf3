/** How the sales review writes amounts, counts, payment methods and hours. */
import { groupedFen as money } from '../../../../shared/report-range';
import type { ReportMethodRow } from '../../../../shared/types';
import type { MessageKey, Translate } from '../../i18n';
import { PROVIDER_LOOK } from '../../lib/payments';

export { money };
/** an amount taken off (refunds, discounts): `−¥12.00` */
export const minus = (fen: number) => (fen === 0 ? money(0) : fen > 0 ? `−${money(fen)}` : money(-fen));
/** an amount that may be negative (net after refunds): `−¥12.00` with a real minus sign */
export const signed = (fen: number) => (fen < 0 ? `−${money(-fen)}` : money(fen));
export const count = (n: number) => n.toLocaleString('en');

export function methodName(t: Translate, m: Pick<ReportMethodRow, 'method' | 'mode'>): string {
  const base = t(`method.${m.method}` as MessageKey);
  return m.mode === 'cash' || m.mode === 'none' ? base : `${base} · ${t(`reports.mode.${m.mode}` as MessageKey)}`;
}

export function methodColor(m: Pick<ReportMethodRow, 'method' | 'mode'>): string {
  if (m.method === 'cash') return '#15803d';
  if (m.method === 'none') return '#9ca3af';
  const base = PROVIDER_LOOK[m.method].color;
  return m.mode === 'payment_code' ? `${base}99` : base;
}

export const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Display helpers: times and dates (one form per language: shared/date-format.ts), discounts. Amounts are formatted only with `formatFen`. */
import { formatFen } from '../../../shared/money';
import type { Discount } from '../../../shared/types';
import type { Translate } from '../i18n';

export { formatDateTime, formatDay, formatTime } from '../../../shared/date-format';

/** `10% off` / `¥5.00 off` (优惠 10% / 优惠 ¥5.00). */
export function discountLabel(discount: Discount, t: Translate): string {
  return discount.kind === 'percent'
    ? t('discount.percentOff', { value: discount.value })
    : t('discount.amountOff', { amount: formatFen(discount.value) });
}

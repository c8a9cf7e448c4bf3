/** How the drawer's difference (counted − expected, in fen) is named on the screen and on paper. */
import { formatFen } from '../../../../shared/money';
import type { Translate } from '../../i18n';

/** `+¥1.00` / `-¥1.00` / `¥0.00` */
export function signed(fen: number): string {
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen);
}

export function varianceState(fen: number): 'exact' | 'short' | 'over' {
  return fen === 0 ? 'exact' : fen < 0 ? 'short' : 'over';
}

/** "Exact", or "Short ¥3.00" / "Over ¥1.00" */
export function varianceLabel(t: Translate, fen: number): string {
  return fen === 0 ? t('cash.exact') : `${t(fen < 0 ? 'cash.short' : 'cash.over')} ${formatFen(Math.abs(fen))}`;
}

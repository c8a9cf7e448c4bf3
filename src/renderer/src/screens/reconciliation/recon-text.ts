/** Days and the words of the reconciliation: how a difference, a reason and a decision are shown. */
import { shiftDay } from '../../../../shared/calendar';
import { formatFen } from '../../../../shared/money';
import type { ReconItemView } from '../../../../shared/types';
import { isMessageKey, type MessageKey, type Translate } from '../../i18n';

export { shiftDay };

/** `+¥1.00` / `-¥1.00` / `¥0.00`: what the statement says more (or less) than the till. */
export function signedFen(fen: number): string {
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen);
}

export function reasonText(t: Translate, item: ReconItemView): string {
  const key = `recon.reason.${item.reason}`;
  const state =
    typeof item.detail.state === 'string' && isMessageKey(`attempt.${item.detail.state}`)
      ? t(`attempt.${item.detail.state}` as MessageKey)
      : '';
  return isMessageKey(key) ? t(key, { state }) : item.reason;
}

export function resolutionText(t: Translate, resolution: string): string {
  const key = `recon.resolution.${resolution}`;
  return isMessageKey(key) ? t(key) : resolution;
}

/** How Data safety writes sizes, damaged areas, order states and backup problems. */
import type { BackupView, DataArea } from '../../../../shared/types';
import { isMessageKey, type MessageKey, type Translate } from '../../i18n';

export const size = (bytes: number | null) =>
  bytes === null
    ? '—'
    : bytes < 1024 * 1024
      ? `${Math.max(1, Math.round(bytes / 1024))} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

export function areaLabel(t: Translate, area: DataArea): string {
  return t(`safety.area.${area}` as MessageKey);
}

export function statusLabel(t: Translate, status: string): string {
  const key = `status.${status}`;
  return isMessageKey(key) ? t(key) : status;
}

export function problemText(t: Translate, b: { problem: BackupView['problem'] }): string {
  return b.problem ? t(`safety.problem.${b.problem}` as MessageKey) : '';
}

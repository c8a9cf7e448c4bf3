import { useRef, useState } from 'react';
import { formatFen } from '../../../../shared/money';
import { readTendered } from '../../../../shared/tendered';
import type { OrderView } from '../../../../shared/types';
import { useI18n } from '../../i18n';

/** The key of "Split payment" on the pay screen (F1–F7 are the payment methods). */
export const SPLIT_KEY = 'F8';

/**
 * Split tender (组合支付) on the pay screen: the amount of this part as the clerk types it. `partFen`
 * is the part when one is typed and valid (more than 0, at most what is owed), else null (all that
 * is owed). `ready()` says whether a payment may start: false, with the problem shown, while the
 * typed part is wrong. Main checks the part again (PART_TOO_LARGE).
 */
export function useSplit(order: OrderView) {
  const { t } = useI18n();
  const [splitting, setSplitting] = useState(false);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const read = readTendered(text);
  const valid = read.kind === 'amount' && read.fen > 0 && read.fen <= order.owedFen;
  const partFen = splitting && valid && read.kind === 'amount' ? read.fen : null;

  const explain = (): string | null => {
    if (!splitting || read.kind === 'empty' || valid) return null;
    if (read.kind === 'amount' && read.fen > order.owedFen)
      return t('split.tooMuch', { owed: formatFen(order.owedFen) });
    return t('pay.badAmount', { text: text.trim() });
  };

  return {
    splitting,
    text,
    problem,
    input,
    partFen,
    setText: (v: string) => {
      setText(v);
      setProblem(null);
    },
    open: () => {
      setSplitting(true);
      window.setTimeout(() => input.current?.focus(), 0);
    },
    reset: () => {
      setSplitting(false);
      setText('');
      setProblem(null);
    },
    ready: (): boolean => {
      const why = explain();
      setProblem(why);
      if (why) input.current?.focus();
      return why === null;
    },
  };
}

/** Amounts at the sandbox's edges: integer fen inside, each protocol's text outside. */
import { fenToYuanString, roundDiv } from '../shared/money';

/** `1230` → `12.30`. */
export function yuan(fen: number): string {
  return fenToYuanString(fen);
}

/** YeePay echoes amounts like Java's BigDecimal: `1.00` → `1.0`, `12.30` → `12.3`, `0.01` stays. */
export function yeepayAmount(fen: number): string {
  const y = yuan(fen);
  return y.endsWith('0') ? y.slice(0, -1) : y;
}

/** Parse a protocol yuan amount (`12`, `12.3`, `12.30`) to fen; null when not such a number. */
export function parseYuanStrict(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The sandbox's service fee: 0.6 % of the amount, rounded half up to the fen. */
export const FEE_RATE_TEXT = '0.60%';
export function feeFen(amountFen: number): number {
  return roundDiv(amountFen * 6, 1000);
}

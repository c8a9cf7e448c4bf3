/**
 * The cash tendered box: what a clerk types, read as an amount in fen, and the quick amounts offered.
 * Pure (unit and property tests in tests/unit/tendered.test.ts).
 */
import { MAX_FEN, parseYuan, type Fen } from './money';

export type Tendered =
  /** nothing typed: Enter means the exact amount */
  | { kind: 'empty' }
  | { kind: 'amount'; fen: Fen }
  /** typed text that is no amount: flagged as it is typed */
  | { kind: 'invalid' };

/**
 * `50`, `50.5`, `¥50`, `50元`, `¥50元` and the same from a Chinese input method in full-width
 * (`５０`, `５０．５`, `￥５０`, `５０元`) are amounts; anything else (`abc`, `50元x`, `12,5`, `-1`,
 * three decimals) is not.
 */
export function readTendered(text: string): Tendered {
  // NFKC turns full-width digits, point and yen sign into their ASCII forms
  const plain = text.normalize('NFKC').trim();
  if (plain === '') return { kind: 'empty' };
  const m = /^¥?\s*([0-9.]+)\s*元?$/.exec(plain);
  const fen = m ? parseYuan(m[1]!) : null;
  return fen === null ? { kind: 'invalid' } : { kind: 'amount', fen };
}

/** The notes a customer hands over, in fen. */
const NOTES: Fen[] = [1000, 2000, 5000, 10000];

/**
 * Quick cash beside "exact": for each note (¥10, ¥20, ¥50, ¥100) the smallest number of it that
 * covers `totalFen`, above the total, without repeats, smallest first (¥23.50 → ¥30, ¥40, ¥50, ¥100).
 */
export function quickCash(totalFen: Fen): Fen[] {
  const out = new Set<Fen>();
  for (const note of NOTES) {
    // the smallest sum of this note strictly above the total (a total of whole notes offers the next one up)
    const fen = (Math.floor(totalFen / note) + 1) * note;
    if (fen > totalFen && fen <= MAX_FEN) out.add(fen);
  }
  return [...out].sort((a, b) => a - b);
}

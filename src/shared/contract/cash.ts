/**
 * Cash sessions per terminal (core/cash/): open, paid in and out, X and Z reports. The methods'
 * schemas, spread into the one contract in ../contract.ts.
 */
import { z } from 'zod';
import { DENOMINATION_KEYS, MAX_DENOMINATION_COUNT, Z_NUMBER_PATTERN, denominationTotal } from '../cash';
import { MAX_FEN } from '../money';
import type { CashPrintOutcome, CashReport, CashSessionState, CashSessionView, ZSummary, ZView } from '../types';
import { fen, line, multiline, approvalPin, ownerRead, method } from './common';

/** how many of each CNY denomination (keys: its value in fen), e.g. `{ "10000": 2, "50": 3 }` */
export const denominationsSchema = z
  .partialRecord(z.enum(DENOMINATION_KEYS), z.number().int().min(0).max(MAX_DENOMINATION_COUNT))
  .refine((d) => denominationTotal(d) <= MAX_FEN, { message: 'the counted amount is too large' });
/** why cash moved, or why the count differs: kept on the Z and in the audit log */
const cashReason = multiline(z.string().trim().min(3).max(200));
const zNumberSchema = z.string().max(60).regex(Z_NUMBER_PATTERN);

export const cashMethods = {
  /**
   * this terminal's cash session: the open one, the last Z, sales made outside any session. The
   * money totals (expected cash, the last Z, what was sold outside a session) are the owner's: a
   * clerk without the owner's PIN gets the session `blind`, without them.
   */
  'cashSession.current': method<CashSessionState>()(ownerRead),
  /** open the drawer with a float, typed or counted by denomination (a clerk may) */
  'cashSession.open': method<CashSessionView>()(
    z
      .object({ floatFen: fen.optional(), denominations: denominationsSchema.optional() })
      .strict()
      .refine((v) => v.floatFen !== undefined || v.denominations !== undefined, {
        message: 'give the float, or count it by denomination',
        path: ['floatFen'],
      })
      .refine(
        (v) =>
          v.floatFen === undefined ||
          v.denominations === undefined ||
          denominationTotal(v.denominations) === v.floatFen,
        {
          message: 'the float and its denominations differ',
          path: ['denominations'],
        },
      ),
  ),
  /** paid in (a clerk may) or paid out (owner) with a reason; append-only */
  'cashSession.move': method<CashSessionView>()(
    z.object({ kind: z.enum(['in', 'out']), amountFen: fen.min(1), reason: cashReason, approvalPin }).strict(),
  ),
  /** the X report: a read-only snapshot of the open session (owner: its expected cash lets a clerk skim) */
  'cashSession.x': method<CashReport>()(ownerRead),
  'cashSession.printX': method<CashPrintOutcome>()(ownerRead),
  /**
   * close by counting the drawer (owner): writes the numbered, immutable Z. A variance needs a reason;
   * intermediary payments still pending on this terminal refuse the close (CASH_PENDING_PAYMENTS,
   * listed) until `acknowledgePending`.
   */
  'cashSession.close': method<ZView>()(
    z
      .object({
        denominations: denominationsSchema,
        varianceReason: cashReason.optional(),
        acknowledgePending: z.boolean().optional(),
        approvalPin,
      })
      .strict(),
  ),
  /** one Z report (owner) */
  'cashSession.z': method<ZView>()(z.object({ number: zNumberSchema, approvalPin }).strict()),
  /** Z reports, newest first (this terminal's by default) (owner) */
  'cashSession.zList': method<ZSummary[]>()(
    z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        terminal: line(z.string().min(1).max(40)).optional(),
        approvalPin,
      })
      .strict(),
  ),
  /**
   * the store's rule "require an open drawer before a cash sale" (owner; audited). On: cash is refused
   * with DRAWER_NOT_OPEN while this terminal's drawer is not open. Answers the drawer's state.
   */
  'cashSession.setRequireOpen': method<CashSessionState>()(z.object({ required: z.boolean(), approvalPin }).strict()),
  /** print a Z through the receipt printer; every print after the first is marked COPY (owner; audited) */
  'cashSession.printZ': method<CashPrintOutcome>()(z.object({ number: zNumberSchema, approvalPin }).strict()),
};

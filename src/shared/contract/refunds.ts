/**
 * Refunds: what an order can still give back, and giving it back. The methods' schemas, spread
 * into the one contract in ../contract.ts.
 */
import { z } from 'zod';
import type { RefundQuote, RefundView } from '../types';
import { id, qty, fen, approvalPin, note, method } from './common';

export const refundsMethods = {
  'refunds.quote': method<RefundQuote>()(z.object({ orderId: id }).strict()),
  /** give money back for a paid order: in full, by line or by amount, the way it was paid (owner) */
  'refunds.create': method<RefundView>()(
    z
      .object({
        orderId: id,
        kind: z.enum(['full', 'lines', 'amount']),
        lines: z
          .array(z.object({ lineNo: z.number().int().min(1).max(10_000), qty }).strict())
          .max(500)
          .optional(),
        amountFen: fen.min(1).optional(),
        restock: z.boolean(),
        reason: note,
        /** the till's idempotency key: the same request sent twice refunds once */
        requestKey: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
        /** split tender: the paid part a refund by line or amount comes from (default: cash parts first) */
        attemptId: id.optional(),
        approvalPin,
      })
      .strict()
      .refine((v) => v.kind !== 'amount' || v.amountFen !== undefined, {
        message: 'amountFen is required for a refund by amount',
        path: ['amountFen'],
      })
      .refine((v) => v.kind !== 'lines' || (v.lines?.length ?? 0) > 0, {
        message: 'lines are required for a refund by line',
        path: ['lines'],
      }),
  ),
};

/**
 * The tidy-up of abandoned unpaid orders and the header's count of payments awaiting an answer
 * (core/sales/tidy.ts, core/payments/handlers.ts). Spread into the one contract in ../contract.ts.
 */
import { z } from 'zod';
import type { AwaitingAnswers, TidyPreview, TidyResult } from '../tidy-types';
import { id, empty, line, approvalPin, method } from './common';

/** which unpaid orders a tidy-up looks at (src/shared/tidy-types.ts) */
const tidyScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('beforeToday') }).strict(),
  // at most 90 days back (2,160 hours)
  z.object({ kind: z.literal('olderThanHours'), hours: z.number().int().min(1).max(2_160) }).strict(),
  z.object({ kind: z.literal('orders'), orderIds: z.array(id).min(1).max(500) }).strict(),
]);

export const tidyMethods = {
  /** what a tidy-up would cancel now, and what it would leave and why (the counter's: unpaid orders hold no money) */
  'orders.tidyPreview': method<TidyPreview>()(z.object({ scope: tidyScope }).strict()),
  /** cancel unpaid orders that nothing holds (no payment open or unknown, no money, no open exception) with a reason (owner; one audit row) */
  'orders.tidy': method<TidyResult>()(
    z.object({ scope: tidyScope, reason: line(z.string().trim().min(2).max(200)), approvalPin }).strict(),
  ),
  /** intermediary payments still waiting for the intermediary's answer (the header's count) */
  'payments.awaiting': method<AwaitingAnswers>()(empty),
};

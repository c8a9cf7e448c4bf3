/**
 * The registry of hot queries: those that run on a timer (the pollers, the schedulers) or on every
 * refresh of a clerk's screen. Each is built by a function exported beside the code that runs it;
 * this list names them with realistic parameters, and `tests/db/query-plans.test.ts` explains every
 * one on a generated history, failing on a full scan or a temporary b-tree over a large table (the
 * same test also explains every statement a scripted day at the counter runs).
 */
import type { Compilable, Kysely } from 'kysely';
import type { Database } from '../store/schema';
import { drawerCashQuery, openSessionQuery, pendingAttemptsQuery, sessionSalesQuery } from './cash/queries';
import { openAttemptsQuery, openExceptionsQuery, recentlyResolvedQuery } from './exceptions/exceptions';
import { ordersOfDayQuery } from './sales/order-views';
import { refundOriginQuery } from './hardware/refund-slips';
import { unpaidOrdersQuery } from './sales/tidy';
import { awaitingAnswersQuery } from './payments/awaiting';
import { paidPartsQuery } from './payments/tender';
import { jobByTitleQuery, owedJobsQuery, pendingJobsQuery, printedBeforeQuery } from './hardware/print-queue';
import { dueAttemptsQuery, nextPollQuery, polledCountQuery } from './payments/attempt-queries';
import {
  dueRefundsQuery,
  MAX_CONCURRENT_REFUNDS,
  nextRefundPollQuery,
  unfinishedRefundsQuery,
} from './refunds/refunds';

export type HotQuery = (k: Kysely<Database>, now: number) => Compilable<unknown>;

const today = (now: number) => new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);

export const HOT_QUERIES: Readonly<Record<string, HotQuery>> = {
  /** the payment poller, every wake-up */
  'payments.due': (k, now) => dueAttemptsQuery(k, now).limit(32),
  'payments.nextPoll': (k, now) => nextPollQuery(k, now),
  /** every answer the poller stores: how far the schedule stretches */
  'payments.polledCount': (k) => polledCountQuery(k),
  /** the refund poller, every wake-up */
  'refunds.due': (k, now) => dueRefundsQuery(k, now).limit(MAX_CONCURRENT_REFUNDS),
  'refunds.nextPoll': (k, now) => nextRefundPollQuery(k, now),
  'refunds.unfinished': (k) => unfinishedRefundsQuery(k),
  /** each refund the poller finishes: whether its slip is the counter's (hardware/refund-slips.ts) */
  'refunds.origin': (k) => refundOriginQuery(k, 1),
  /** To check, and the header's count */
  'attention.openAttempts': (k) => openAttemptsQuery(k),
  'attention.openExceptions': (k) => openExceptionsQuery(k),
  'attention.resolved': (k, now) => recentlyResolvedQuery(k, now),
  /** today's orders */
  'orders.ofDay': (k, now) => ordersOfDayQuery(k, today(now)),
  /** the drawer (the clerk's screen: cash expected), the X and the Z: a session's window on one terminal */
  'cash.drawerCash': (k, now) => drawerCashQuery(k, 'T01', now - 10 * 3_600_000, now),
  'cash.sessionSales': (k, now) => sessionSalesQuery(k, 'T01', now - 10 * 3_600_000, now),
  'cash.pending': (k) => pendingAttemptsQuery(k, 'T01'),
  /** every cash payment, when the store requires an open drawer (cash/drawer-rule.ts) */
  'cash.openSession': (k) => openSessionQuery(k, 'T01'),
  /** the receipt printer's queue: its status and the clerk's list, start-up, a refund's slip, a reprint */
  'print.owed': (k) => owedJobsQuery(k),
  'print.pending': (k) => pendingJobsQuery(k),
  'print.byTitle': (k) => jobByTitleQuery(k, 'refund', 'R20261202000001'),
  'print.printedBefore': (k) => printedBeforeQuery(k, 1),
  /** s-tidy: the header's count of payments awaiting an answer (on every payment event); the tidy-up's unpaid orders */
  'payments.awaiting': (k) => awaitingAnswersQuery(k),
  'orders.unpaidBefore': (k, now) => unpaidOrdersQuery(k, now - 24 * 3_600_000),
  'orders.unpaidBeforeDay': (k, now) => unpaidOrdersQuery(k, now, today(now)),
  /** split tender: every payment (cash or intermediary) and every order view reads what the order's parts hold */
  'tender.paidParts': (k) => paidPartsQuery(k, 1),
};

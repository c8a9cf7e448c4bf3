/**
 * The poller's reads of the open intermediary attempts. They run on a timer, so each is served by
 * the partial index payment_attempts_due (states as literals, see store/sql.ts `inList`); they are
 * registered in core/hot-queries.ts and their plans explained in tests/db/query-plans.test.ts.
 */
import type { Kysely } from 'kysely';
import { OPEN_STATES } from '../../../shared/payment-states';
import { inList } from '../../store/sql';
import type { Database } from '../../store/schema';

/** Open intermediary attempts due at `now`, most overdue first (the partial index payment_attempts_due). */
export function dueAttemptsQuery(k: Kysely<Database>, now: number) {
  return k
    .selectFrom('payment_attempts')
    .select('id')
    .where(inList('state', OPEN_STATES))
    .where('method', '!=', 'cash')
    .where('next_poll_at', '<=', now)
    .orderBy('next_poll_at');
}

/**
 * How many open attempts the poller asks about (the stretch of `nextPollAt`): a count over the same
 * partial index, never the table (a cash payment is never open, so the index's rows are the polled ones).
 */
export function polledCountQuery(k: Kysely<Database>) {
  return k
    .selectFrom('payment_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(inList('state', OPEN_STATES))
    .where('next_poll_at', 'is not', null);
}

/** The earliest future poll, for the poller's wake-up timer (the same partial index). */
export function nextPollQuery(k: Kysely<Database>, now: number) {
  return k
    .selectFrom('payment_attempts')
    .select((eb) => eb.fn.min('next_poll_at').as('at'))
    .where(inList('state', OPEN_STATES))
    .where('method', '!=', 'cash')
    .where('next_poll_at', '>', now);
}

/**
 * The header's count of intermediary payments still waiting for the intermediary's answer (pending,
 * or unknown after a call that got no answer): during an outage the clerk sees at a glance that
 * payments are held, not lost, and To check lists them. Read again on every payment, refund and
 * order event (the header already refreshes its To check badge on those pushes), never polled fast.
 */
import type { Kysely } from 'kysely';
import { OPEN_STATES } from '../../../shared/payment-states';
import type { AwaitingAnswers } from '../../../shared/tidy-types';
import type { Store } from '../../store/db';
import type { Database } from '../../store/schema';
import { inList } from '../../store/sql';

/** Counts of the open intermediary payments (the partial index payment_attempts_open, as To check's list). */
export function awaitingAnswersQuery(k: Kysely<Database>) {
  return k
    .selectFrom('payment_attempts')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(eb.case().when('unknown', '=', 1).then(1).else(0).end()).as('unknown'),
      eb.fn.min<number>('created_at').as('oldest'),
    ])
    .where(inList('state', OPEN_STATES))
    .where('method', '!=', 'cash');
}

export function awaitingAnswers(store: Store): AwaitingAnswers {
  const r = store.first(awaitingAnswersQuery(store.kysely));
  return { count: Number(r?.n ?? 0), unknown: Number(r?.unknown ?? 0), oldestAt: r?.oldest ?? null };
}

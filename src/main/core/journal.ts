/** One row of the append-only payment journal (the payment timeline an owner opens in a dispute). */
import type { Exchange } from '../intermediaries/provider';
import { prepared, type Store } from '../store/db';
import type { JournalRow } from '../store/schema';

export interface JournalEntry {
  orderId: number;
  attemptId: number | null;
  kind: string;
  from?: string | null;
  to?: string | null;
  detail?: unknown;
}

// built and compiled once (store/db.ts `prepared`): every sale and every poll writes journal rows
const NEW_JOURNAL = prepared((k, j: Omit<JournalRow, 'id'>) =>
  k.insertInto('payment_journal').values({
    order_id: j.order_id,
    attempt_id: j.attempt_id,
    at: j.at,
    kind: j.kind,
    from_state: j.from_state,
    to_state: j.to_state,
    detail: j.detail,
  }),
);

export function writeJournal(store: Store, at: number, e: JournalEntry): void {
  store.run(
    NEW_JOURNAL({
      order_id: e.orderId,
      attempt_id: e.attemptId,
      at,
      kind: e.kind,
      from_state: e.from ?? null,
      to_state: e.to ?? null,
      detail: e.detail === undefined ? null : JSON.stringify(e.detail),
    }),
  );
}

/** The signed requests and answers of one call (secrets already redacted by the client). */
export function writeExchanges(
  store: Store,
  at: number,
  orderId: number,
  attemptId: number,
  exchanges: readonly Exchange[],
): void {
  for (const x of exchanges) writeJournal(store, at, { orderId, attemptId, kind: `wire.${x.op}`, detail: x });
}

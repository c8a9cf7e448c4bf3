/** One row of the append-only payment journal (the payment timeline an owner opens in a dispute). */
import type { Exchange } from '../payments/provider';
import type { Store } from '../store/db';

export interface JournalEntry {
  orderId: number;
  attemptId: number | null;
  kind: string;
  from?: string | null;
  to?: string | null;
  detail?: unknown;
}

export function writeJournal(store: Store, at: number, e: JournalEntry): void {
  store.run(
    store.kysely.insertInto('payment_journal').values({
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

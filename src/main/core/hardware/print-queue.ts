/**
 * The receipt printer's durable queue. A job's bytes are committed (`pending`) before anything is
 * sent; just before the bytes go out it becomes `sending`; once the printer acknowledged it
 * (transports.ts) it is `sent`, else `failed` with its cause, kept and offered to the clerk again
 * ("receipt not printed — retry"). Never lost, never printed twice by accident:
 *
 * - `pending` at start-up (the till stopped between "written" and "sent", nothing went out): sent
 *   once, automatically, by `drain()`;
 * - `sending` at start-up (the till stopped while the bytes were on their way, "sent but not
 *   acknowledged"): it may have printed, so it is never sent again by itself: it becomes `failed`
 *   with the cause `unconfirmed`, and the clerk, who can see the paper, retries or dismisses it.
 *
 * Jobs go to the printer one at a time (a 9100 port takes one connection at a time).
 */
import type { PrinterCause, PrintJobKind, PrintJobView } from '../../../shared/types';
import type { Kysely } from 'kysely';
import type { Store } from '../../store/db';
import type { Database } from '../../store/schema';
import { inList } from '../../store/sql';
import type { Clock } from '../clock';
import { crashPoint } from '../crash-points';
import { PrinterFailure } from './transports';

/** The states of a job still owed; the partial index `print_jobs_open` holds exactly these rows. */
const OWED = ['pending', 'sending', 'failed'] as const;

// The queue's reads, built here and named in core/hot-queries.ts. States are written as literals
// (`inList`): SQLite uses the partial index `print_jobs_open` only when the query's WHERE provably
// implies the index's, which a bound parameter never does, and `print_jobs` holds a row per receipt.

/** The jobs still owed, newest first (the clerk's list, the printer's status). */
export function owedJobsQuery(k: Kysely<Database>) {
  return k
    .selectFrom('print_jobs')
    .select(['id', 'kind', 'title', 'state', 'cause', 'attempts', 'created_at'])
    .where(inList('state', OWED))
    .orderBy('id', 'desc')
    .limit(50);
}

/** The jobs written and never handed to the printer, oldest first (sent once at start-up). */
export function pendingJobsQuery(k: Kysely<Database>) {
  return k
    .selectFrom('print_jobs')
    .select('id')
    .where(inList('state', OWED))
    .where(inList('state', ['pending']))
    .orderBy('id');
}

/** The jobs cut off while they were being sent (start-up). */
function sendingJobsWhere(k: Kysely<Database>) {
  return k
    .updateTable('print_jobs')
    .where(inList('state', OWED))
    .where(inList('state', ['sending']));
}

/** Whether a slip of this kind and title was ever written (index `print_jobs_kind_title`). */
export function jobByTitleQuery(k: Kysely<Database>, kind: PrintJobKind, title: string) {
  return k.selectFrom('print_jobs').select('id').where('kind', '=', kind).where('title', '=', title).limit(1);
}

/** Whether a receipt of the order reached the printer, or may have (index `print_jobs_order`). */
export function printedBeforeQuery(k: Kysely<Database>, orderId: number) {
  return k
    .selectFrom('print_jobs')
    .select('id')
    .where('order_id', '=', orderId)
    .where((eb) => eb.or([eb('state', '=', 'sent'), eb('cause', '=', 'unconfirmed')]))
    .limit(1);
}

export class PrintQueue {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  /** Runs `fn` after every job before it (one connection to the printer at a time). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Writes a job, durably, before it is sent. */
  add(kind: PrintJobKind, title: string, orderId: number | null, payload: Uint8Array): number {
    const now = this.clock.now();
    const id = this.store.tx(
      () =>
        this.store.run(
          this.k.insertInto('print_jobs').values({
            kind,
            title,
            order_id: orderId,
            payload,
            state: 'pending',
            created_at: now,
            updated_at: now,
          }),
        ).lastInsertRowid,
    );
    crashPoint('print.job-written');
    return id;
  }

  private mark(id: number, state: PrintJobView['state'], cause: PrinterCause | null, attempt = false): void {
    this.store.tx(() =>
      this.store.run(
        this.k
          .updateTable('print_jobs')
          .set((eb) => ({
            state,
            cause,
            updated_at: this.clock.now(),
            ...(attempt ? { attempts: eb('attempts', '+', 1) } : {}),
            // a job that reached the printer is never sent again (a reprint renders anew): its bytes
            // would only grow the store by a receipt's size a sale
            ...(state === 'sent' ? { payload: new Uint8Array(0) } : {}),
          }))
          .where('id', '=', id),
      ),
    );
  }

  /** Sends a job (pending or failed) with `send`; throws the `PrinterFailure` when it fails (the job is then `failed`). */
  send(id: number, send: (bytes: Uint8Array) => Promise<void>): Promise<void> {
    return this.serial(async () => {
      const job = this.store.first(this.k.selectFrom('print_jobs').selectAll().where('id', '=', id));
      if (!job || job.state === 'sent' || job.state === 'dismissed') return;
      this.mark(id, 'sending', null, true);
      crashPoint('print.job-sending');
      try {
        await send(job.payload);
      } catch (err) {
        const cause = err instanceof PrinterFailure ? err.reason : 'unknown';
        this.mark(id, 'failed', cause);
        this.log(`print job ${id} (${job.kind} ${job.title}) failed: ${(err as Error).message}`);
        throw err instanceof PrinterFailure ? err : new PrinterFailure('unknown', (err as Error).message);
      }
      this.mark(id, 'sent', null);
    });
  }

  /** At start-up: a job cut off while it was being sent may have printed; the clerk decides (see above). */
  recover(): number {
    return this.store.tx(
      () =>
        this.store.run(
          sendingJobsWhere(this.k).set({ state: 'failed', cause: 'unconfirmed', updated_at: this.clock.now() }),
        ).changes,
    );
  }

  /** Sends every job written but never sent, oldest first, once; a failure leaves it offered. */
  async drain(send: (bytes: Uint8Array) => Promise<void>): Promise<void> {
    const ids = this.store.all(pendingJobsQuery(this.k)).map((r) => r.id);
    for (const id of ids) await this.send(id, send).catch(() => undefined);
  }

  /** The jobs still owed: written, on their way, or failed. */
  owed(): PrintJobView[] {
    return this.store.all(owedJobsQuery(this.k)).map((j) => ({
      id: j.id,
      kind: j.kind,
      title: j.title,
      state: j.state,
      cause: j.cause as PrinterCause | null,
      attempts: j.attempts,
      createdAt: j.created_at,
    }));
  }

  job(id: number): PrintJobView | undefined {
    return this.owed().find((j) => j.id === id);
  }

  dismiss(id: number): void {
    this.store.tx(() =>
      this.store.run(
        this.k
          .updateTable('print_jobs')
          .set({ state: 'dismissed', updated_at: this.clock.now() })
          .where('id', '=', id)
          .where(inList('state', ['pending', 'failed'])),
      ),
    );
  }

  /** Whether a job of this kind and title was ever written (a refund answered twice prints one slip). */
  has(kind: PrintJobKind, title: string): boolean {
    return this.store.first(jobByTitleQuery(this.k, kind, title)) !== undefined;
  }

  /** Whether a receipt of the order reached the printer before (or may have): a later print is a reprint. */
  printedBefore(orderId: number): boolean {
    return this.store.first(printedBeforeQuery(this.k, orderId)) !== undefined;
  }

  /** A new print of an order replaces its receipts still owed (they are never printed as well). */
  supersede(orderId: number): void {
    this.store.tx(() =>
      this.store.run(
        this.k
          .updateTable('print_jobs')
          .set({ state: 'dismissed', updated_at: this.clock.now() })
          .where('order_id', '=', orderId)
          .where(inList('state', ['pending', 'failed'])),
      ),
    );
  }
}

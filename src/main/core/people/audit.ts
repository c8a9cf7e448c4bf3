/**
 * The audit log: an append-only record of sensitive actions — who, what, when, the state before and
 * after, and the note the person gave. Rows are written inside the same transaction as the change
 * they describe, so an action and its audit row exist together or not at all. The database refuses
 * updates and deletes (triggers in migration 0005).
 */
import type { AuditEntryView } from '../../../shared/types';
import type { Store } from '../../store/db';
import type { Actor } from './auth';
import type { Clock } from '../clock';
import { writeCsv } from '../platform/csv';

/** An audit row's values, in the order of the insert: at, actor id, name, role, approved by, action, subject, before, after, note. */
export type AuditRow = readonly [
  number,
  number | null,
  string,
  string,
  string | null,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
];

export interface AuditChange {
  before?: unknown;
  after?: unknown;
  note?: string | null;
}

export class Audit {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** the insert, compiled once (an import writes one row per product) */
  private insertSql: string | null = null;

  /** Call inside the transaction that makes the change. */
  record(actor: Actor, action: string, subject: string | null, change: AuditChange = {}): number {
    return this.write(this.row(actor, action, subject, change));
  }

  /**
   * A row, made ready ahead of its transaction (an import of 20,000 products writes its rows with the
   * write lock held only for the writes); `write` it inside the transaction that makes the change.
   */
  row(actor: Actor, action: string, subject: string | null, change: AuditChange = {}): AuditRow {
    return [
      this.clock.now(),
      actor.userId,
      actor.name,
      actor.role,
      actor.approvedBy,
      action,
      subject,
      change.before === undefined ? null : JSON.stringify(change.before),
      change.after === undefined ? null : JSON.stringify(change.after),
      change.note ?? null,
    ];
  }

  write(row: AuditRow): number {
    this.insertSql ??= this.store.kysely
      .insertInto('audit_log')
      .values({
        at: 0,
        actor_id: null,
        actor_name: '',
        actor_role: 'system',
        approved_by: null,
        action: '',
        subject: null,
        before: null,
        after: null,
        note: null,
      })
      .compile().sql;
    return this.store.runCompiled(this.insertSql, row).lastInsertRowid;
  }

  /** The log as CSV (UTF-8 with a BOM for Excel), oldest first. */
  csv(filter: { from?: number; to?: number } = {}): string {
    const rows = this.list({ ...filter, limit: 100_000 }).reverse();
    const text = (v: unknown): string | null =>
      v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
    const head = ['id', 'at', 'actor', 'role', 'approved_by', 'action', 'subject', 'before', 'after', 'note'];
    const lines = rows.map((r) => [
      r.id,
      new Date(r.at).toISOString(),
      r.actor,
      r.role,
      r.approvedBy,
      r.action,
      r.subject,
      text(r.before),
      text(r.after),
      r.note,
    ]);
    return writeCsv([head, ...lines], { bom: true });
  }

  /** Newest first; `from`/`to` are epoch ms (to exclusive). */
  list(filter: { from?: number; to?: number; action?: string; limit?: number } = {}): AuditEntryView[] {
    let q = this.store.kysely.selectFrom('audit_log').selectAll();
    if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('at', '<', filter.to);
    if (filter.action) q = q.where('action', '=', filter.action);
    const rows = this.store.all(q.orderBy('id', 'desc').limit(filter.limit ?? 500));
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor_name,
      role: r.actor_role,
      approvedBy: r.approved_by,
      action: r.action,
      subject: r.subject,
      before: r.before === null ? null : (JSON.parse(r.before) as unknown),
      after: r.after === null ? null : (JSON.parse(r.after) as unknown),
      note: r.note,
    }));
  }
}

/**
 * Users and the audit log.
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated, Selectable } from 'kysely';

/** The tables of this domain in `Database` (schema.ts). */
export interface PeopleTables {
  users: UsersTable;
  audit_log: AuditLogTable;
}

export type Role = 'clerk' | 'owner';

export interface UsersTable {
  id: Generated<number>;
  name: string;
  role: Role;
  /** scrypt(pin, salt), hex */
  pin_hash: string;
  pin_salt: string;
  failed_count: Generated<number>;
  locked_until: number | null;
  active: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_id: number | null;
  actor_name: string;
  actor_role: Role | 'system';
  /** the owner who approved a clerk's action with a PIN, when not the actor */
  approved_by: string | null;
  action: string;
  subject: string | null;
  before: string | null;
  after: string | null;
  note: string | null;
}

export type UserRow = Selectable<UsersTable>;

export type AuditRow = Selectable<AuditLogTable>;

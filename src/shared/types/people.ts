/** People at the till (clerks and owners) and the audit log. */

export type UserRole = 'clerk' | 'owner';

export interface UserView {
  id: number;
  name: string;
  role: UserRole;
  /** set while a lock-out after wrong PINs lasts */
  lockedUntil: number | null;
}

export interface AuditEntryView {
  id: number;
  at: number;
  actor: string;
  role: UserRole | 'system';
  approvedBy: string | null;
  action: string;
  subject: string | null;
  before: unknown;
  after: unknown;
  note: string | null;
}

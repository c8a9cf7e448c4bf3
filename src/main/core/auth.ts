/**
 * Users, PINs and owner approval, enforced in main. A PIN is kept as scrypt(pin, salt) — slow on
 * purpose — and compared in constant time; five wrong PINs lock the user for five minutes.
 *
 * The terminal has one signed-in user (`current`). An owner action is allowed when the current user
 * is an owner, or when the call carries an owner's PIN (the owner approves at the clerk's side); the
 * resulting Actor names both, and that is what the audit log records.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { PosError } from '../../shared/errors';
import type { UserView } from '../../shared/types';
import type { Store } from '../store/db';
import type { Role, UserRow } from '../store/schema';
import type { Clock } from './clock';

export interface Actor {
  userId: number | null;
  name: string;
  role: Role | 'system';
  /** the owner whose PIN approved a clerk's action */
  approvedBy: string | null;
}

/** The app itself (the poller, the scheduled reconciliation). */
export const SYSTEM_ACTOR: Actor = { userId: null, name: 'system', role: 'system', approvedBy: null };

export const MAX_PIN_FAILURES = 5;
export const LOCK_OUT_MS = 5 * 60_000;
const SCRYPT = { N: 16_384, r: 8, p: 1, keylen: 32 };

/** Demo users seeded into a fresh data directory (documented in README and docs/testing.md). */
export const DEMO_USERS: readonly { name: string; role: Role; pin: string }[] = [
  { name: '收银员 01', role: 'clerk', pin: '1234' },
  { name: '店长', role: 'owner', pin: '8888' },
];

function scrypt(pin: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(pin, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPin(pin: string): Promise<{ hash: string; salt: string }> {
  const salt = randomBytes(16).toString('hex');
  return { hash: (await scrypt(pin, salt)).toString('hex'), salt };
}

/** What a locked till still answers: who can sign in, and signing in. */
export const WHILE_LOCKED: ReadonlySet<string> = new Set(['app.info', 'app.setLocale', 'auth.users', 'auth.current', 'auth.login']);

export class Auth {
  private currentId: number | null = null;
  private locked = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  /** Seeds the demo users into an empty users table; returns how many were added. */
  async seedIfEmpty(): Promise<number> {
    const n = this.store.first(this.k.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')));
    if (Number(n?.n ?? 0) > 0) return 0;
    const hashed = await Promise.all(DEMO_USERS.map(async (u) => ({ ...u, ...(await hashPin(u.pin)) })));
    const now = this.clock.now();
    this.store.tx(() => {
      for (const u of hashed) {
        this.store.run(
          this.k.insertInto('users').values({ name: u.name, role: u.role, pin_hash: u.hash, pin_salt: u.salt, locked_until: null, created_at: now, updated_at: now }),
        );
      }
    });
    return hashed.length;
  }

  users(): UserView[] {
    return this.store
      .all(this.k.selectFrom('users').selectAll().where('active', '=', 1).orderBy('role').orderBy('id'))
      .map((u) => this.viewOf(u));
  }

  private viewOf(u: UserRow): UserView {
    const now = this.clock.now();
    return { id: u.id, name: u.name, role: u.role, lockedUntil: u.locked_until !== null && u.locked_until > now ? u.locked_until : null };
  }

  /** Locked: nobody is signed in; main refuses everything but signing in until someone does. */
  isLocked(): boolean {
    return this.locked;
  }

  lock(): void {
    this.locked = true;
    this.currentId = null;
  }

  /** The signed-in user; by default the first active clerk (the till opens ready to sell). */
  current(): Actor {
    let u = this.currentId === null ? undefined : this.store.first(this.k.selectFrom('users').selectAll().where('id', '=', this.currentId).where('active', '=', 1));
    u ??= this.store.first(this.k.selectFrom('users').selectAll().where('active', '=', 1).orderBy('role').orderBy('id'));
    if (!u) return SYSTEM_ACTOR;
    this.currentId = u.id;
    return { userId: u.id, name: u.name, role: u.role, approvedBy: null };
  }

  /** Checks one user's PIN, counting failures and locking after MAX_PIN_FAILURES. */
  async verify(userId: number, pin: string): Promise<UserRow> {
    const u = this.store.first(this.k.selectFrom('users').selectAll().where('id', '=', userId).where('active', '=', 1));
    if (!u) throw new PosError('NOT_FOUND', `There is no user ${userId}.`, { userId });
    this.refuseIfLocked(u);
    if (await this.matches(u, pin)) {
      this.store.tx(() => this.store.run(this.k.updateTable('users').set({ failed_count: 0, locked_until: null }).where('id', '=', u.id)));
      return u;
    }
    throw this.failure([u]);
  }

  async login(userId: number, pin: string): Promise<Actor> {
    const u = await this.verify(userId, pin);
    this.currentId = u.id;
    this.locked = false;
    return this.current();
  }

  private byName(name: string): UserRow | undefined {
    return this.store.first(this.k.selectFrom('users').selectAll().where('name', '=', name));
  }

  /** Adds a user (owner; the caller audits inside `inTx`). */
  async addUser(name: string, role: Role, pin: string, inTx: (u: UserView) => void): Promise<UserView> {
    const { hash, salt } = await hashPin(pin);
    return this.store.tx(() => {
      if (this.byName(name)) throw new PosError('INVALID_INPUT', `There is already a user called ${name}.`, { field: 'name' });
      const now = this.clock.now();
      const id = this.store.run(
        this.k.insertInto('users').values({ name, role, pin_hash: hash, pin_salt: salt, locked_until: null, created_at: now, updated_at: now }),
      ).lastInsertRowid;
      const v = this.users().find((u) => u.id === id) as UserView;
      inTx(v);
      return v;
    });
  }

  /** Sets a user's PIN (and clears a lock-out). */
  async setPin(userId: number, pin: string, inTx: (u: UserView) => void): Promise<UserView> {
    const { hash, salt } = await hashPin(pin);
    return this.store.tx(() => {
      const u = this.store.first(this.k.selectFrom('users').selectAll().where('id', '=', userId).where('active', '=', 1));
      if (!u) throw new PosError('NOT_FOUND', `There is no user ${userId}.`, { userId });
      this.store.run(
        this.k.updateTable('users').set({ pin_hash: hash, pin_salt: salt, failed_count: 0, locked_until: null, updated_at: this.clock.now() }).where('id', '=', userId),
      );
      const v = this.viewOf(u);
      inTx(v);
      return v;
    });
  }

  /** Retires a user (never the last active owner). */
  retire(userId: number, inTx: (u: UserView) => void): UserView {
    return this.store.tx(() => {
      const u = this.store.first(this.k.selectFrom('users').selectAll().where('id', '=', userId).where('active', '=', 1));
      if (!u) throw new PosError('NOT_FOUND', `There is no user ${userId}.`, { userId });
      if (u.role === 'owner') {
        const owners = this.store.all(this.k.selectFrom('users').select('id').where('role', '=', 'owner').where('active', '=', 1));
        if (owners.length <= 1) throw new PosError('INVALID_INPUT', 'The last owner cannot be removed.', { field: 'userId' });
      }
      this.store.run(this.k.updateTable('users').set({ active: 0, updated_at: this.clock.now() }).where('id', '=', userId));
      if (this.currentId === userId) this.currentId = null;
      const v = this.viewOf(u);
      inTx(v);
      return v;
    });
  }

  /**
   * Allows an owner action: the current user is an owner, or `approvalPin` is an active owner's PIN.
   * Throws OWNER_APPROVAL_REQUIRED, WRONG_PIN (with the attempts left) or PIN_LOCKED.
   */
  async authorize(need: 'owner', approvalPin?: string): Promise<Actor> {
    const me = this.current();
    if (need === 'owner' && me.role === 'owner') return me;
    if (approvalPin === undefined || approvalPin === '') {
      throw new PosError('OWNER_APPROVAL_REQUIRED', 'This needs an owner: ask the owner to enter their PIN.', { role: me.role });
    }
    const owners = this.store.all(this.k.selectFrom('users').selectAll().where('role', '=', 'owner').where('active', '=', 1));
    const now = this.clock.now();
    const open = owners.filter((o) => o.locked_until === null || o.locked_until <= now);
    if (open.length === 0 && owners.length > 0) this.refuseIfLocked(owners[0] as UserRow);
    for (const o of open) {
      if (await this.matches(o, approvalPin)) {
        this.store.tx(() => this.store.run(this.k.updateTable('users').set({ failed_count: 0, locked_until: null }).where('id', '=', o.id)));
        return { ...me, approvedBy: o.name };
      }
    }
    throw this.failure(open);
  }

  private async matches(u: UserRow, pin: string): Promise<boolean> {
    const got = await scrypt(pin, u.pin_salt);
    const want = Buffer.from(u.pin_hash, 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private refuseIfLocked(u: UserRow): void {
    const now = this.clock.now();
    if (u.locked_until !== null && u.locked_until > now) {
      throw new PosError('PIN_LOCKED', `Too many wrong PINs: ${u.name} is locked until ${new Date(u.locked_until).toISOString()}.`, {
        lockedUntil: u.locked_until,
        seconds: Math.ceil((u.locked_until - now) / 1000),
      });
    }
  }

  /** Counts a wrong PIN against each user it could have been for; returns the error to throw. */
  private failure(users: UserRow[]): PosError {
    const now = this.clock.now();
    let left = MAX_PIN_FAILURES;
    let lockedUntil: number | null = null;
    this.store.tx(() => {
      for (const u of users) {
        const fails = u.failed_count + 1;
        const lock = fails >= MAX_PIN_FAILURES ? now + LOCK_OUT_MS : null;
        this.store.run(
          this.k
            .updateTable('users')
            .set({ failed_count: lock ? 0 : fails, locked_until: lock, updated_at: now })
            .where('id', '=', u.id),
        );
        left = Math.min(left, MAX_PIN_FAILURES - fails);
        if (lock) lockedUntil = lock;
      }
    });
    if (lockedUntil !== null) {
      return new PosError('PIN_LOCKED', `Too many wrong PINs: locked for ${LOCK_OUT_MS / 60_000} minutes.`, {
        lockedUntil,
        seconds: LOCK_OUT_MS / 1000,
      });
    }
    return new PosError('WRONG_PIN', `Wrong PIN; ${left} attempt(s) left before a ${LOCK_OUT_MS / 60_000}-minute lock.`, { attemptsLeft: left });
  }
}

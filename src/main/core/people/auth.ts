/**
 * Users, PINs and owner approval, enforced in main. A PIN is kept as scrypt(pin, salt) — slow on
 * purpose — and compared in constant time; five wrong PINs lock the user for five minutes.
 *
 * Guessing in parallel gains nothing: every PIN check (signing in, an owner's approval) goes through
 * one queue, so checks never overlap, and a guess is counted — committed as a failure, locking at the
 * fifth — before its hash is computed; a right PIN then takes the count back to zero. A till never
 * checks two PINs at once, so a queue already holding MAX_PIN_QUEUE checks refuses more (PIN_BUSY)
 * without checking them. The lock is `users.locked_until`, so it survives a restart.
 *
 * The terminal has one signed-in user (`current`). An owner action is allowed when the current user
 * is an owner, or when the call carries an owner's PIN (the owner approves at the clerk's side); the
 * resulting Actor names both, and that is what the audit log records.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { PosError } from '../../../shared/errors';
import type { UserView } from '../../../shared/types';
import { prepared, type Store } from '../../store/db';
import type { Role, UserRow } from '../../store/schema';
import type { Clock } from '../clock';
import { scryptPin } from './pin-hash';

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
/** PIN checks running or waiting at most; more are refused at once (PIN_BUSY), unchecked and uncounted. */
export const MAX_PIN_QUEUE = 8;
const SCRYPT = { N: 16_384, r: 8, p: 1, keylen: 32 };

/** Demo users seeded into a fresh data directory (documented in README and docs/testing.md). */
export const DEMO_USERS: readonly { name: string; role: Role; pin: string }[] = [
  { name: '收银员 01', role: 'clerk', pin: '1234' },
  { name: '店长', role: 'owner', pin: '8888' },
];

/** In one thread of its own (pin-hash.ts: each hash takes 16 MB, kept by every pool thread that made one). */
function scrypt(pin: string, salt: string): Promise<Buffer> {
  return scryptPin(pin, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
}

export async function hashPin(pin: string): Promise<{ hash: string; salt: string }> {
  const salt = randomBytes(16).toString('hex');
  return { hash: (await scrypt(pin, salt)).toString('hex'), salt };
}

/** What a locked till still answers: who can sign in, and signing in. */
export const WHILE_LOCKED: ReadonlySet<string> = new Set([
  'app.info',
  'app.setLocale',
  'auth.users',
  'auth.current',
  'auth.login',
]);

/** A user's failure count and lock as they were before a guess was charged, and as charged. */
interface Charge {
  user: UserRow;
  before: { failed_count: number; locked_until: number | null };
  after: { failed_count: number; locked_until: number | null };
  fails: number;
}

/** Who is signed in, read on every call that records a clerk: built and compiled once (store/db.ts `prepared`). */
const ACTIVE_USER = prepared((k, id: number) =>
  k.selectFrom('users').selectAll().where('id', '=', id).where('active', '=', 1),
);

export class Auth {
  private currentId: number | null = null;
  private locked = false;
  /** the PIN check queue: its tail, and how many checks are running or waiting */
  private pinTail: Promise<void> = Promise.resolve();
  private pinChecks = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** the store's time zone, to say until when a PIN is locked */
    private readonly timeZone: () => string = () => 'UTC',
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
          this.k.insertInto('users').values({
            name: u.name,
            role: u.role,
            pin_hash: u.hash,
            pin_salt: u.salt,
            locked_until: null,
            created_at: now,
            updated_at: now,
          }),
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
    return {
      id: u.id,
      name: u.name,
      role: u.role,
      lockedUntil: u.locked_until !== null && u.locked_until > now ? u.locked_until : null,
    };
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
    let u = this.currentId === null ? undefined : this.store.first(ACTIVE_USER(this.currentId));
    u ??= this.store.first(
      this.k.selectFrom('users').selectAll().where('active', '=', 1).orderBy('role').orderBy('id'),
    );
    if (!u) return SYSTEM_ACTOR;
    this.currentId = u.id;
    return { userId: u.id, name: u.name, role: u.role, approvedBy: null };
  }

  /** Checks one user's PIN, counting failures and locking after MAX_PIN_FAILURES. */
  verify(userId: number, pin: string): Promise<UserRow> {
    return this.serialized(async () => {
      const u = this.store.first(
        this.k.selectFrom('users').selectAll().where('id', '=', userId).where('active', '=', 1),
      );
      if (!u) throw new PosError('NOT_FOUND', `There is no user ${userId}.`, { userId });
      this.refuseIfLocked(u);
      const charges = this.charge([u]);
      if (await this.matches(u, pin)) {
        this.settle(u, charges);
        return u;
      }
      throw this.failure(charges);
    });
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
      if (this.byName(name))
        throw new PosError('INVALID_INPUT', `There is already a user called ${name}.`, { field: 'name' });
      const now = this.clock.now();
      const id = this.store.run(
        this.k
          .insertInto('users')
          .values({ name, role, pin_hash: hash, pin_salt: salt, locked_until: null, created_at: now, updated_at: now }),
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
      const u = this.store.first(
        this.k.selectFrom('users').selectAll().where('id', '=', userId).where('active', '=', 1),
      );
      if (!u) throw new PosError('NOT_FOUND', `There is no user ${userId}.`, { userId });
      this.store.run(
        this.k
          .updateTable('users')
          .set({ pin_hash: hash, pin_salt: salt, failed_count: 0, locked_until: null, updated_at: this.clock.now() })
          .where('id', '=', userId),
      );
      const v = this.viewOf(u);
      inTx(v);
      return v;
    });
  }

  /** Retires a user (never the last active owner). */
  retire(userId: number, inTx: (u: UserView) => void): UserView {
    return this.store.tx(() => {
      const u = this.store.first(
        this.k.selectFrom('users').selectAll().where('id', '=', userId).where('active', '=', 1),
      );
      if (!u) throw new PosError('NOT_FOUND', `There is no user ${userId}.`, { userId });
      if (u.role === 'owner') {
        const owners = this.store.all(
          this.k.selectFrom('users').select('id').where('role', '=', 'owner').where('active', '=', 1),
        );
        if (owners.length <= 1)
          throw new PosError('INVALID_INPUT', 'The last owner cannot be removed.', { field: 'userId' });
      }
      this.store.run(
        this.k.updateTable('users').set({ active: 0, updated_at: this.clock.now() }).where('id', '=', userId),
      );
      if (this.currentId === userId) this.currentId = null;
      const v = this.viewOf(u);
      inTx(v);
      return v;
    });
  }

  /**
   * Allows an owner action: the current user is an owner, or `approvalPin` is an active owner's PIN.
   * Throws OWNER_APPROVAL_REQUIRED, WRONG_PIN (with the attempts left), PIN_LOCKED or PIN_BUSY.
   */
  async authorize(need: 'owner', approvalPin?: string): Promise<Actor> {
    const me = this.current();
    if (need === 'owner' && me.role === 'owner') return me;
    if (approvalPin === undefined || approvalPin === '') {
      throw new PosError('OWNER_APPROVAL_REQUIRED', 'This needs an owner: ask the owner to enter their PIN.', {
        role: me.role,
      });
    }
    return this.serialized(async () => {
      // the PIN could be any active owner's: each one not locked is charged a guess, and checked
      const owners = this.store.all(
        this.k.selectFrom('users').selectAll().where('role', '=', 'owner').where('active', '=', 1),
      );
      const now = this.clock.now();
      const open = owners.filter((o) => o.locked_until === null || o.locked_until <= now);
      if (open.length === 0 && owners.length > 0) {
        this.refuseIfLocked(owners.reduce((a, b) => ((a.locked_until ?? 0) <= (b.locked_until ?? 0) ? a : b)));
      }
      const charges = this.charge(open);
      for (const o of open) {
        if (await this.matches(o, approvalPin)) {
          this.settle(o, charges);
          return { ...me, approvedBy: o.name };
        }
      }
      throw this.failure(charges);
    });
  }

  /**
   * Runs one PIN check after the ones before it (never two at once, so no guess reads a failure
   * count another is about to change); refuses at once when MAX_PIN_QUEUE are already queued.
   */
  private async serialized<T>(check: () => Promise<T>): Promise<T> {
    if (this.pinChecks >= MAX_PIN_QUEUE) {
      throw new PosError('PIN_BUSY', 'Other PINs are being checked: wait a moment and try again.', {
        queued: this.pinChecks,
      });
    }
    this.pinChecks++;
    const before = this.pinTail;
    let done!: () => void;
    this.pinTail = new Promise<void>((resolve) => (done = resolve));
    try {
      await before;
      return await check();
    } finally {
      this.pinChecks--;
      done();
    }
  }

  /**
   * Counts a guess against each user it could be for, committed before the hash is computed (a
   * crash or a hang mid-check leaves it counted): the fifth failure locks for LOCK_OUT_MS.
   */
  private charge(users: UserRow[]): Charge[] {
    const now = this.clock.now();
    return this.store.tx(() =>
      users.flatMap((u) => {
        const row = this.store.first(
          this.k.selectFrom('users').select(['failed_count', 'locked_until']).where('id', '=', u.id),
        );
        if (!row) return [];
        const fails = row.failed_count + 1;
        const lock = fails >= MAX_PIN_FAILURES ? now + LOCK_OUT_MS : null;
        const after = { failed_count: lock ? 0 : fails, locked_until: lock };
        this.store.run(
          this.k
            .updateTable('users')
            .set({ ...after, updated_at: now })
            .where('id', '=', u.id),
        );
        return [{ user: u, before: row, after, fails }];
      }),
    );
  }

  /**
   * A right PIN: its user's count goes back to zero, and the guess is taken back from the others it
   * was charged to (unless their row changed meanwhile, e.g. a new PIN was set).
   */
  private settle(matched: UserRow, charges: Charge[]): void {
    this.store.tx(() => {
      this.store.run(
        this.k.updateTable('users').set({ failed_count: 0, locked_until: null }).where('id', '=', matched.id),
      );
      for (const c of charges) {
        if (c.user.id === matched.id) continue;
        let q = this.k
          .updateTable('users')
          .set(c.before)
          .where('id', '=', c.user.id)
          .where('failed_count', '=', c.after.failed_count);
        q =
          c.after.locked_until === null
            ? q.where('locked_until', 'is', null)
            : q.where('locked_until', '=', c.after.locked_until);
        this.store.run(q);
      }
    });
  }

  private async matches(u: UserRow, pin: string): Promise<boolean> {
    const got = await scrypt(pin, u.pin_salt);
    const want = Buffer.from(u.pin_hash, 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private refuseIfLocked(u: UserRow): void {
    const now = this.clock.now();
    if (u.locked_until !== null && u.locked_until > now) throw this.lockedError(u.locked_until, `${u.name} is locked`);
  }

  /** PIN_LOCKED, saying for how long and until when (store time, HH:MM), so the dialog can tell the person. */
  private lockedError(lockedUntil: number, what: string): PosError {
    const seconds = Math.max(1, Math.ceil((lockedUntil - this.clock.now()) / 1000));
    let until: string;
    try {
      until = new Intl.DateTimeFormat('en-GB', {
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: this.timeZone(),
      }).format(lockedUntil);
    } catch {
      until = new Date(lockedUntil).toISOString().slice(11, 16);
    }
    return new PosError(
      'PIN_LOCKED',
      `Too many wrong PINs: ${what} for ${Math.ceil(seconds / 60)} minute(s), until ${until}.`,
      {
        lockedUntil,
        seconds,
        minutes: Math.ceil(seconds / 60),
        until,
      },
    );
  }

  /** The error for a wrong PIN whose guess was charged: WRONG_PIN with the attempts left, or the lock it caused. */
  private failure(charges: Charge[]): PosError {
    const lock = charges.find((c) => c.after.locked_until !== null);
    if (lock) return this.lockedError(lock.after.locked_until as number, 'locked');
    const left = Math.min(MAX_PIN_FAILURES, ...charges.map((c) => MAX_PIN_FAILURES - c.fails));
    return new PosError(
      'WRONG_PIN',
      `Wrong PIN; ${left} attempt(s) left before a ${LOCK_OUT_MS / 60_000}-minute lock.`,
      { attemptsLeft: left },
    );
  }
}

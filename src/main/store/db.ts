/**
 * Opens the store: better-sqlite3 with WAL, synchronous=FULL and foreign keys; refuses a corrupt
 * database or one written by a newer app before writing a byte; backs up before migrating; runs
 * each migration in its own transaction.
 *
 * Kysely builds every query (so they stay portable); `Store` executes the compiled SQL through
 * better-sqlite3 synchronously, so a transaction is one synchronous block that no network call or
 * other request can interleave with.
 */
import { copyFileSync, existsSync, accessSync, constants as fsConstants } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  Migrator,
  SqliteAdapter,
  SqliteDialect,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type Compilable,
  type DialectAdapter,
  type MigrationProvider,
} from 'kysely';
import { PosError } from '../../shared/errors';
import { LATEST_MIGRATION, MIGRATIONS, MIGRATION_NAMES } from './migrations';
import { createPrivateFile, ensurePrivateDir, makePrivate, privatizeDataDir } from './file-modes';
import type { Database } from './schema';
import { toPosError } from './sqlite-errors';
import { WriteGate } from './write-gate';

export const DB_FILE = 'counter-pos.sqlite';

/** SQLite can roll back DDL; kysely's SQLite adapter just does not claim it. */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

const staticProvider = (upTo: string): MigrationProvider => ({
  getMigrations: () => Promise.resolve(Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name <= upTo))),
});

export interface OpenOptions {
  /** Directory holding the database (and backups/). Created if missing. */
  dataDir: string;
  /** Migrate only up to this migration (tests of a single migration). Default: the latest. */
  migrateTo?: string;
  /** Epoch ms, used to name backups. */
  now?: () => number;
}

export interface MigrationReport {
  from: string | null;
  to: string;
  applied: string[];
  backup: string | null;
}

/**
 * Stands for an argument of a prepared query while kysely builds it (see `prepared`): the argument
 * itself (`[i]`), or one of its properties (`[i, key]`) when the argument is an object of values.
 */
const SLOT = Symbol('prepared query argument');
type Slot = { readonly [SLOT]: readonly [number] | readonly [number, string] };
const isSlot = (v: unknown): v is Slot => typeof v === 'object' && v !== null && SLOT in v;
function standIn(i: number): unknown {
  return new Proxy({ [SLOT]: [i] } as Slot, {
    get: (target, key) =>
      key === SLOT ? target[SLOT] : typeof key === 'string' ? ({ [SLOT]: [i, key] } as Slot) : undefined,
  });
}

/** Kysely as a query builder only (no connection): it compiles the prepared queries. */
const builder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new TransactionalSqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

/**
 * A query kysely builds and compiles once instead of on every call; run it with `Store.first`, `all`
 * or `run` like any other. `build` is called one time, with stand-ins for its arguments that kysely
 * passes through as parameters; every call then puts the real values in their places. Building and
 * compiling costs ~15 µs a query, more than SQLite takes to run most of them, and a sale runs
 * dozens. Only for queries whose shape does not depend on the values: `build` must use each
 * argument as a value and nothing else (no branching on it, no arithmetic, no list made from it);
 * one that does not use every argument as a parameter is refused at its first call. Values are
 * bound as they are: an `undefined` is NULL, not a column left out as kysely would leave it.
 */
export function prepared<A extends unknown[], R>(
  build: (k: Kysely<Database>, ...args: A) => Compilable<R>,
): (...args: A) => Compilable<R> {
  let compiled: { query: CompiledQuery<R>; slots: (Slot[typeof SLOT] | { value: unknown })[] } | null = null;
  return (...args: A) => {
    if (compiled === null) {
      let c: CompiledQuery<R>;
      try {
        c = build(builder, ...(args.map((_, i) => standIn(i)) as A)).compile();
      } catch (err) {
        // a stand-in turned into text or a number (arithmetic, a template, sql.raw) cannot be converted
        throw new Error(
          `a prepared query must use each of its ${args.length} arguments as a parameter (${(err as Error).message})`,
        );
      }
      const slots = c.parameters.map((v) => (isSlot(v) ? v[SLOT] : { value: v }));
      const used = new Set(slots.flatMap((x) => ('value' in x ? [] : [x[0]])));
      if (used.size !== args.length || c.sql.includes('[object Object]')) {
        throw new Error(`a prepared query must use each of its ${args.length} arguments as a parameter: ${c.sql}`);
      }
      compiled = { query: c, slots };
    }
    const { query, slots } = compiled;
    const parameters = slots.map((x) =>
      'value' in x ? x.value : x.length === 1 ? args[x[0]] : (args[x[0]] as Record<string, unknown>)[x[1]!],
    );
    return { compile: () => ({ ...query, parameters }) };
  };
}

export class Store {
  private connection: BetterSqlite3.Database;
  private builder: Kysely<Database>;
  readonly file: string;
  /** held while a worker thread's connection writes to this file (store/write-gate.ts) */
  readonly writeGate = new WriteGate();
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(sqlite: BetterSqlite3.Database, file: string) {
    this.connection = sqlite;
    this.file = file;
    this.builder = new Kysely<Database>({ dialect: new TransactionalSqliteDialect({ database: sqlite }) });
  }

  get sqlite(): BetterSqlite3.Database {
    return this.connection;
  }

  get kysely(): Kysely<Database> {
    return this.builder;
  }

  /**
   * Takes over another store's connection (a restored database opened on the same path), closing
   * this one's first. Everything in the core holds this Store and reads `sqlite`/`kysely` per call,
   * so after `adopt` every module works on the new file; in-memory caches are the caller's to reload
   * (core/data-safety/restore.ts).
   */
  adopt(other: Store): void {
    if (other.file !== this.file) throw new Error(`a store on ${other.file} cannot replace one on ${this.file}`);
    this.close();
    this.connection = other.connection;
    this.builder = other.builder;
  }

  private prepare(query: CompiledQuery): BetterSqlite3.Statement {
    let stmt = this.statements.get(query.sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(query.sql);
      this.statements.set(query.sql, stmt);
    }
    return stmt;
  }

  /** Runs a query that returns rows. */
  all<R>(q: Compilable<R>): R[] {
    const c = q.compile();
    const stmt = this.prepare(c);
    return (
      stmt.reader ? stmt.all(...(c.parameters as unknown[])) : (stmt.run(...(c.parameters as unknown[])), [])
    ) as R[];
  }

  /**
   * The rows as arrays of their values, in the order selected: a hundred thousand rows come out of
   * SQLite about a third faster than as objects (better-sqlite3 builds each object through V8's API).
   */
  allRaw<V extends unknown[]>(q: Compilable<unknown>): V[] {
    const c = q.compile();
    const stmt = this.prepare(c);
    stmt.raw(true);
    try {
      return stmt.all(...(c.parameters as unknown[])) as V[];
    } finally {
      stmt.raw(false);
    }
  }

  first<R>(q: Compilable<R>): R | undefined {
    const c = q.compile();
    const stmt = this.prepare(c);
    return stmt.get(...(c.parameters as unknown[])) as R | undefined;
  }

  /** Runs a statement; returns the changed row count and the last inserted id. */
  run(q: Compilable<unknown>): { changes: number; lastInsertRowid: number } {
    const c = q.compile();
    const r = this.prepare(c).run(...(c.parameters as unknown[]));
    return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
  }

  /**
   * Runs SQL that kysely compiled earlier, with new parameters (in the compiled query's order): for a
   * statement run thousands of times in one transaction, where compiling the query again each time
   * would cost more than running it.
   */
  runCompiled(sql: string, parameters: readonly unknown[]): { changes: number; lastInsertRowid: number } {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      this.statements.set(sql, stmt);
    }
    const r = stmt.run(...parameters);
    return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
  }

  /**
   * Runs `fn` in one read transaction (DEFERRED: a snapshot that takes no lock, so the till writes
   * on meanwhile), or in the transaction already open: every query in it sees the same data.
   */
  snapshot<T>(fn: () => T): T {
    return this.sqlite.inTransaction ? fn() : this.sqlite.transaction(fn).deferred();
  }

  /**
   * What has been written to the database since this connection opened: SQLite's count of commits by
   * other connections (PRAGMA data_version) and this connection's own changes (total_changes()).
   * Unchanged: nothing was written in between.
   */
  dataVersion(): string {
    const own = this.sqlite.prepare('select total_changes() as n').get() as { n: number };
    return `${String(this.sqlite.pragma('data_version', { simple: true }))}:${own.n}`;
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction: all of it is written, or none of it. Never await inside.
   *
   * `durability: 'full'` (the default; orders, payments, everything with money) commits with
   * synchronous=FULL: the commit is on disk when this returns. `'normal'` is for edits a clerk can
   * redo (the cart being built): in WAL mode it survives the app being killed, and only a power cut
   * in the following moments can lose it; the next full commit makes it durable too.
   */
  tx<T>(fn: () => T, durability: 'full' | 'normal' = 'full'): T {
    if (durability === 'normal' && !this.sqlite.inTransaction) {
      const sync = this.syncStatements();
      sync.normal.run();
      try {
        return this.sqlite.transaction(fn).immediate();
      } finally {
        sync.full.run();
      }
    }
    return this.sqlite.transaction(fn).immediate();
  }

  /** The two pragmas `tx` switches between, prepared once per connection (`pragma()` prepares anew on every call). */
  private sync: { db: BetterSqlite3.Database; normal: BetterSqlite3.Statement; full: BetterSqlite3.Statement } | null =
    null;
  private syncStatements() {
    if (this.sync?.db !== this.sqlite) {
      this.sync = {
        db: this.sqlite,
        normal: this.sqlite.prepare('PRAGMA synchronous = NORMAL'),
        full: this.sqlite.prepare('PRAGMA synchronous = FULL'),
      };
    }
    return this.sync;
  }

  close(): void {
    this.statements.clear();
    if (this.sqlite.open) this.sqlite.close();
  }
}

/**
 * SQLite's page cache per connection, in KiB. better-sqlite3 builds SQLite with 16 MiB (SQLite's own
 * default is 2 MiB). Every read the counter makes goes through an index and touches a few pages, and
 * the operating system caches the file anyway; the bigger cache only stayed in the process: after an
 * owner's day list, reports and reconciliation day on a 1M-order store, the till settled at 153 MB
 * with 16 MiB and 143 MB with 4 MiB (and a report worker holds its own connection's cache while it
 * lives). bench/aged.ts times every call with it.
 */
export const PAGE_CACHE_KIB = 4096;

/**
 * A task worker's own connection to the store's file (core/worker-tasks.ts), migrated already by
 * the till: read-only, or for writing with the till's durability and foreign keys. Either waits up
 * to 5 s for a lock.
 */
export function openTaskStore(file: string, mode: 'read' | 'write'): Store {
  const db = new BetterSqlite3(file, { readonly: mode === 'read', fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    if (mode === 'write') {
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return new Store(db, file);
}

function executedMigrations(sqlite: BetterSqlite3.Database): string[] {
  const table = sqlite
    .prepare(`select name from sqlite_master where type = 'table' and name = 'kysely_migration'`)
    .get();
  if (!table) return [];
  return (sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/**
 * Looks at an existing database file without writing to it: refuses one that is not a database or
 * was written by a newer version of the app.
 */
function inspectExisting(file: string): string[] {
  let ro: BetterSqlite3.Database | undefined;
  try {
    ro = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    ro.prepare('select count(*) from sqlite_master').get();
    const names = executedMigrations(ro);
    const unknown = names.filter((n) => !MIGRATION_NAMES.includes(n));
    if (unknown.length > 0) {
      throw new PosError(
        'DATABASE_TOO_NEW',
        `The database ${file} was written by a newer version of Counter POS (it has schema ${unknown[unknown.length - 1]}; this version knows up to ${LATEST_MIGRATION}). Nothing was changed. Install the newer version, or start this one with another data directory.`,
        { file, found: unknown[unknown.length - 1] ?? '', known: LATEST_MIGRATION },
      );
    }
    return names;
  } catch (err) {
    if (err instanceof PosError) throw err;
    throw toPosError(err, file);
  } finally {
    ro?.close();
  }
}

/**
 * The copy taken before migrating. With the WAL checkpointed into the file (nothing else has it
 * open) and a read transaction holding the file still (no checkpoint can write into it meanwhile),
 * the file itself is the database: the kernel copies it, a reflink where the file system has them
 * (APFS, btrfs, XFS). Else SQLite's online backup, page by page. A year-old store (750 MB) copies
 * in ~0.6 s rather than ~2.7 s that way here (ext4), most of its first start after an upgrade.
 */
async function copyBeforeMigrating(sqlite: BetterSqlite3.Database, file: string, dest: string): Promise<void> {
  const [cp] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
  if (cp?.busy === 0 && cp.log === 0) {
    let copied = false;
    sqlite.exec('begin');
    try {
      sqlite.prepare('select count(*) from sqlite_master').get(); // the read transaction starts here
      copyFileSync(file, dest, fsConstants.COPYFILE_FICLONE);
      makePrivate(dest);
      copied = true;
    } catch {
      // a failed copy (disk full, …): the online backup below tries, and refuses the migration if it fails too
    } finally {
      sqlite.exec('commit');
    }
    if (copied) return;
  }
  await sqlite.backup(dest);
}

export async function openStore(options: OpenOptions): Promise<{ store: Store; migration: MigrationReport }> {
  const { dataDir } = options;
  const target = options.migrateTo ?? LATEST_MIGRATION;
  const now = options.now ?? Date.now;
  try {
    ensurePrivateDir(dataDir);
    accessSync(dataDir, fsConstants.W_OK);
  } catch (err) {
    throw new PosError(
      'STORAGE_READONLY',
      `The data directory ${dataDir} cannot be written (${(err as Error).message}). Choose another with --data-dir or POS_DATA_DIR.`,
      { dir: dataDir },
    );
  }
  const file = join(dataDir, DB_FILE);
  const existed = existsSync(file);
  // the data directory 0700, the database, its -wal/-shm, secrets.key and backups 0600, also for a
  // store written before they were private (store/file-modes.ts)
  privatizeDataDir(dataDir, DB_FILE);
  const before = existed ? inspectExisting(file) : [];

  let sqlite: BetterSqlite3.Database;
  try {
    // created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the main file's mode
    if (!existed) createPrivateFile(file);
    sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  } catch (err) {
    throw toPosError(err, file);
  }
  const store = new Store(sqlite, file);

  try {
    const pending = MIGRATION_NAMES.filter((n) => n <= target && !before.includes(n));
    let backup: string | null = null;
    if (before.length > 0 && pending.length > 0) {
      const dir = join(dataDir, 'backups');
      ensurePrivateDir(dir);
      const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
      backup = join(dir, `${DB_FILE.replace('.sqlite', '')}-${before[before.length - 1]}-${stamp}.sqlite`);
      createPrivateFile(backup);
      await copyBeforeMigrating(sqlite, file, backup);
    }
    const applied: string[] = [];
    for (const name of pending) {
      // One migrateTo per migration: each runs (and is recorded) inside its own transaction.
      const migrator = new Migrator({ db: store.kysely, provider: staticProvider(name) });
      const { error, results } = await migrator.migrateTo(name);
      if (error) {
        throw new PosError(
          'INTERNAL',
          `Migration ${name} failed and was rolled back (${error instanceof Error ? error.message : String(error)}). The database is as it was before it.`,
          { migration: name },
        );
      }
      for (const r of results ?? []) if (r.status === 'Success') applied.push(r.migrationName);
    }
    return {
      store,
      migration: { from: before[before.length - 1] ?? null, to: target, applied, backup },
    };
  } catch (err) {
    store.close();
    throw err instanceof PosError ? err : toPosError(err, file);
  }
}

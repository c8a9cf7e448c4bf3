/* global require, process, setInterval */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, so it also runs unbundled (tests) */
/**
 * Long SQLite jobs off the counter's event loop: copying the live database with SQLite's online
 * backup API, checking a file (`PRAGMA integrity_check` / `quick_check`) and counting what a backup
 * holds. Each job runs in its own worker thread with its own connection (read-only on the live
 * file: WAL lets it read while the till writes), so a 750 MB store never holds a clerk's click.
 * The same script also serves the core's heavy tasks in a thread kept warm (`serveTasks` below).
 *
 * Plain CommonJS so that the same file runs from the sources (tests) and from the build
 * (electron.vite.config.ts bundles it as out/main/sqlite-worker.js). The caller is
 * src/main/store/sqlite-jobs.ts, which owns the types of the messages below.
 */
'use strict';
const { isMainThread, parentPort, workerData } = require('node:worker_threads');
const { closeSync, openSync, fsyncSync } = require('node:fs');
const Database = require('better-sqlite3');

/** Maps integrity_check messages to the tables (and indexes) they are about. */
function locate(db, messages) {
  let schema = [];
  try {
    schema = db.prepare('select type, name, tbl_name as tbl, rootpage from sqlite_schema').all();
  } catch {
    /* the schema itself is unreadable: nothing can be mapped */
  }
  const byRoot = new Map(schema.filter((s) => s.rootpage).map((s) => [Number(s.rootpage), s]));
  const byName = new Map(schema.map((s) => [s.name, s]));
  let dbstat = null;
  const pageOwner = (page) => {
    try {
      dbstat ??= db.prepare('select name from dbstat where pageno = ?');
      const row = dbstat.get(page);
      return row ? (byName.get(row.name) ?? null) : null;
    } catch {
      return null; // no dbstat, or the damage stops it
    }
  };
  return messages.map((message) => {
    let entry = null;
    let m = /Tree (\d+) page/.exec(message);
    if (m) entry = byRoot.get(Number(m[1])) ?? null;
    if (!entry && (m = /\bindex ([A-Za-z0-9_]+)/.exec(message))) entry = byName.get(m[1]) ?? null;
    if (!entry && (m = /\b(?:in|of) ([A-Za-z0-9_]+)\.[A-Za-z0-9_]+/.exec(message))) entry = byName.get(m[1]) ?? null;
    if (!entry && (m = /\bpage (\d+)/i.exec(message))) entry = pageOwner(Number(m[1]));
    return { message, table: entry ? entry.tbl : null, index: entry && entry.type === 'index' ? entry.name : null };
  });
}

const isCorrupt = (err) =>
  err && typeof err.code === 'string' && (err.code === 'SQLITE_NOTADB' || err.code.startsWith('SQLITE_CORRUPT'));

const messagesOf = (rows) =>
  rows
    .flatMap((r) => String(Object.values(r)[0]).split('\n'))
    .map((m) => m.trim())
    .filter((m) => m !== '' && m !== 'ok' && !/^\*\*\* in database/.test(m));

/** One quick_check per table: the tables whose own check stops on a damaged page are the damaged ones. */
function perTable(db, limit) {
  const names = db
    .prepare(`select name from sqlite_schema where type = 'table'`)
    .all()
    .map((r) => String(r.name));
  const found = [];
  for (const name of names) {
    try {
      const messages = messagesOf(db.pragma(`quick_check("${name.replaceAll('"', '""')}")`));
      for (const f of locate(db, messages)) found.push({ ...f, table: f.table ?? name });
    } catch (err) {
      if (!isCorrupt(err)) throw err;
      found.push({ message: `${err.message} (${name})`, table: name, index: null });
    }
    if (found.length >= limit) break;
  }
  return found;
}

/**
 * integrity_check, or quick_check. Either can stop on a damaged page instead of describing it (it
 * throws SQLITE_CORRUPT where its constraint or index checks read the page); then quick_check,
 * which still walks the b-trees, says which page of which tree, and when that stops too, one
 * quick_check per table names the damaged tables.
 */
function check(db, kind, limit) {
  let rows = null;
  let thrown = null;
  try {
    rows = db.pragma(`${kind === 'quick' ? 'quick_check' : 'integrity_check'}(${limit})`);
  } catch (err) {
    if (!isCorrupt(err)) throw err;
    thrown = String(err.message);
    try {
      if (kind !== 'quick') rows = db.pragma(`quick_check(${limit})`);
    } catch (again) {
      if (!isCorrupt(again)) throw again;
    }
  }
  const messages = rows === null ? [] : messagesOf(rows);
  if (thrown === null && messages.length === 0) return { ok: true, findings: [] };
  const findings = messages.length > 0 ? locate(db, messages) : perTable(db, limit);
  if (findings.length === 0) findings.push({ message: thrown, table: null, index: null });
  return { ok: false, findings };
}

function describe(db, tables) {
  const counts = {};
  const maxIds = {};
  for (const t of tables) {
    const row = db.prepare(`select count(*) as n, max(id) as max from "${t}"`).get();
    counts[t] = row.n;
    maxIds[t] = row.max ?? 0;
  }
  let migration = null;
  try {
    migration = db.prepare('select max(name) as name from kysely_migration').get().name ?? null;
  } catch {
    /* not a Counter POS database */
  }
  return { counts, maxIds, migration };
}

function errorOf(err) {
  return {
    code: err && err.code ? String(err.code) : 'ERROR',
    message: err && err.message ? String(err.message) : String(err),
  };
}

/**
 * This job yields the CPU to the counter on a busy 2-core machine: a job process lowers its own
 * priority on every system; a thread only on Linux, where a nice value belongs to the thread
 * (elsewhere setpriority would lower the whole app, so it is left alone).
 */
function yieldToTheCounter() {
  if (!isMainThread && process.platform !== 'linux') return;
  try {
    require('node:os').setPriority(0, 10);
  } catch {
    /* not permitted: the copy runs at normal priority */
  }
}

/**
 * The page cache of a job's connection, in KiB. Each page of a copy or a check is read once, so a
 * cache (better-sqlite3's default is 16 MiB) only holds memory: with 1 MiB the check of a 742 MB
 * store peaks at 52 MB instead of 67 MB in its process and takes 4.8 s instead of 5.0 s; its backup
 * takes the same ~2 s (three runs of each, interleaved).
 */
const JOB_CACHE_KIB = 1024;

async function run(job) {
  yieldToTheCounter();
  const started = Date.now();
  if (job.kind === 'backup') {
    const src = new Database(job.source, { readonly: true, fileMustExist: true });
    try {
      src.pragma('busy_timeout = 5000');
      src.pragma(`cache_size = -${JOB_CACHE_KIB}`);
      // the first step learns the size; then every page in one step, so a sale committed meanwhile
      // cannot restart the copy over and over (it restarts at most once, from this thread)
      await src.backup(job.dest, { progress: () => 0x7fffffff });
    } finally {
      src.close();
    }
    // a standalone file (rollback journal, not WAL), flushed to the disk before it is called a backup
    const dst = new Database(job.dest, { fileMustExist: true });
    try {
      dst.pragma('journal_mode = DELETE');
    } finally {
      dst.close();
    }
    const fd = openSync(job.dest, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return { ms: Date.now() - started };
  }
  if (job.kind === 'verify' || job.kind === 'check') {
    const db = new Database(job.file, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      db.pragma(`cache_size = -${JOB_CACHE_KIB}`);
      const result = check(db, job.mode, job.limit ?? 100);
      if (job.kind !== 'verify' || !result.ok) return { ...result, ms: Date.now() - started };
      // a copy that passes the check but lacks the till's tables (an empty or foreign file) is no backup either
      try {
        return { ...result, ...describe(db, job.tables ?? []), ms: Date.now() - started };
      } catch (err) {
        return {
          ok: false,
          findings: [
            { message: `the copy cannot be read as a till database: ${err.message}`, table: null, index: null },
          ],
          ms: Date.now() - started,
        };
      }
    } finally {
      db.close();
    }
  }
  throw new Error(`unknown job ${job.kind}`);
}

/**
 * The core's own heavy work (src/main/core/worker-tasks.ts: statement imports, the catalogue CSV,
 * long reports): this thread stays up between tasks and answers the messages that module defines.
 * The module is the bundled worker-tasks.js beside this file, or, from the sources (tests, bench),
 * the TypeScript file itself, loaded through tsx.
 */
async function serveTasks(job) {
  yieldToTheCounter();
  // from the sources only: the TypeScript loader for require and for import() (a development
  // dependency, named by the caller so that no bundler takes it in); messages wait in the port meanwhile
  if (job.loader) {
    require(job.loader.cjs).register();
    (await import(job.loader.esm)).register();
  }
  require(job.module).serve(parentPort);
}

/** The line a job process answers with on its standard output (store/sqlite-jobs.ts reads it). */
const ANSWER_PREFIX = 'counter-pos-sqlite-job ';

/** Whether process `pid` still runs (signal 0 checks without sending anything). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * A one-off job as a process of its own: `--sqlite-job JSON --parent-pid PID`. What SQLite allocated
 * for a 750 MB copy and check goes back to the OS when it exits (in a thread of the till it stayed in
 * the allocator's arenas: ~40 MB of the till's memory for the rest of the day), and a crash inside
 * SQLite on a damaged file ends this process, not the till. It stops when the till is gone.
 */
function runAsProcess(argv) {
  const at = argv.indexOf('--sqlite-job');
  const job = JSON.parse(argv[at + 1]);
  const pidAt = argv.indexOf('--parent-pid');
  const parent = pidAt >= 0 ? Number(argv[pidAt + 1]) : 0;
  if (parent > 0 && !alive(parent)) process.exit(3);
  if (parent > 0) setInterval(() => alive(parent) || process.exit(3), 1000).unref();
  const answer = (message) => process.stdout.write(ANSWER_PREFIX + JSON.stringify(message) + '\n');
  run(job).then(
    (value) => answer({ ok: true, value }),
    (err) => answer({ ok: false, error: errorOf(err) }),
  );
}

if (isMainThread) {
  if (process.argv.includes('--sqlite-job')) runAsProcess(process.argv);
} else if (workerData && workerData.kind === 'tasks') {
  serveTasks(workerData).catch((err) => {
    throw err; // an 'error' event for the pool: every task of this worker fails
  });
} else {
  run(workerData).then(
    (value) => parentPort.postMessage({ ok: true, value }),
    (err) => parentPort.postMessage({ ok: false, error: errorOf(err) }),
  );
}

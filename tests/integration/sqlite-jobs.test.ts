/**
 * The long SQLite jobs (backup, integrity check, verification) run as a process of their own
 * (store/sqlite-jobs.ts, sqlite-worker.cjs `runAsProcess`): their memory leaves with them, and a job
 * that dies — killed, crashed on a damaged file — is a clear error for the caller, never the till's end.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeLauncher, type NodeProgramLauncher } from '../../src/main/node-program';
import { JobError, runJob, useJobLauncher } from '../../src/main/store/sqlite-jobs';
import { tempDir } from '../support/core';

const cleanups: (() => void)[] = [];
afterEach(() => {
  useJobLauncher(nodeLauncher);
  while (cleanups.length) cleanups.pop()!();
});

function sampleDb(): { dir: string; file: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const file = join(t.dir, 'source.sqlite');
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.exec('create table orders (id integer primary key, total integer not null)');
  const insert = db.prepare('insert into orders (total) values (?)');
  db.transaction(() => {
    for (let i = 0; i < 5_000; i++) insert.run(i);
  })();
  db.close();
  return { dir: t.dir, file };
}

describe('SQLite jobs in a process of their own', () => {
  it('each job is a child process of the till: backup, then the copy verified', async () => {
    const { dir, file } = sampleDb();
    const started: { script: string; args: string[] }[] = [];
    const recording: NodeProgramLauncher = (script, args, name) => {
      started.push({ script, args });
      return nodeLauncher(script, args, name);
    };
    useJobLauncher(recording);
    const dest = join(dir, 'copy.sqlite');
    writeFileSync(dest, '');
    await runJob({ kind: 'backup', source: file, dest });
    const verified = await runJob({ kind: 'verify', file: dest, mode: 'integrity', tables: ['orders'] });
    expect(verified.ok).toBe(true);
    expect(verified.counts).toEqual({ orders: 5_000 });
    expect(verified.maxIds).toEqual({ orders: 5_000 });
    expect(started).toHaveLength(2);
    for (const s of started) {
      expect(s.script).toMatch(/sqlite-worker\.c?js$/);
      expect(s.args).toContain('--sqlite-job');
      expect(s.args.slice(s.args.indexOf('--parent-pid'))).toEqual(['--parent-pid', String(process.pid)]);
    }
  });

  it("a job's own failure keeps SQLite's code", async () => {
    const { dir } = sampleDb();
    const notADb = join(dir, 'text.sqlite');
    writeFileSync(notADb, 'this is not a database, just text long enough to be read as a header '.repeat(20));
    const result = runJob({ kind: 'check', file: notADb, mode: 'integrity' });
    await expect(result).rejects.toBeInstanceOf(JobError);
    await expect(result).rejects.toMatchObject({ code: 'SQLITE_NOTADB' });
  });

  it('a job process that dies before it answers is a WORKER_EXIT error for the caller, and the next job runs', async () => {
    const { file } = sampleDb();
    const killing: NodeProgramLauncher = (script, args, name) => {
      const child = nodeLauncher(script, args, name);
      child.kill(); // SIGKILL at once: as if SQLite had crashed on a damaged page
      return child;
    };
    useJobLauncher(killing);
    const failed = runJob({ kind: 'check', file, mode: 'quick' });
    await expect(failed).rejects.toMatchObject({ code: 'WORKER_EXIT', message: expect.stringContaining('stopped') });

    useJobLauncher(nodeLauncher);
    const again = await runJob({ kind: 'check', file, mode: 'quick' });
    expect(again.ok).toBe(true);
  });

  it('the till closing stops a job at once: its process is killed and the caller told why', async () => {
    const { dir, file } = sampleDb();
    const exits: (number | null)[] = [];
    useJobLauncher((script, args, name) => {
      const child = nodeLauncher(script, args, name);
      child.once('exit', (code) => exits.push(code));
      return child;
    });
    const closing = new AbortController();
    const dest = join(dir, 'stopped.sqlite');
    writeFileSync(dest, '');
    const job = runJob({ kind: 'backup', source: file, dest }, { signal: closing.signal });
    closing.abort();
    await expect(job).rejects.toMatchObject({ code: 'WORKER_EXIT', message: 'the till is closing' });
    await expect.poll(() => exits.length).toBe(1);
    // a job asked for after the close does not start
    await expect(runJob({ kind: 'check', file, mode: 'quick' }, { signal: closing.signal })).rejects.toMatchObject({
      message: 'the till is closing',
    });
    expect(exits).toHaveLength(1);
  });

  it('a launcher that cannot start the program is a WORKER_EXIT error, not a throw into the till', async () => {
    const { file } = sampleDb();
    useJobLauncher(() => {
      throw new Error('spawn EAGAIN');
    });
    await expect(runJob({ kind: 'check', file, mode: 'quick' })).rejects.toMatchObject({
      code: 'WORKER_EXIT',
      message: expect.stringContaining('spawn EAGAIN'),
    });
  });

  it('a job whose till is gone does not run (--parent-pid of a process that no longer runs); it also checks every second', async () => {
    const { dir, file } = sampleDb();
    const dest = join(dir, 'orphan.sqlite');
    writeFileSync(dest, '');
    // pid 2^22 + 1 is above Linux's pid_max: no such process
    const orphan: NodeProgramLauncher = (script, args, name) =>
      nodeLauncher(
        script,
        args.map((a, i) => (args[i - 1] === '--parent-pid' ? String(4_194_305) : a)),
        name,
      );
    useJobLauncher(orphan);
    const t0 = Date.now();
    const result = runJob({ kind: 'backup', source: file, dest });
    await expect(result).rejects.toMatchObject({
      code: 'WORKER_EXIT',
      message: expect.stringContaining('exit code 3'),
    });
    expect(Date.now() - t0).toBeLessThan(4_000);
    // nothing was copied
    const copy = new BetterSqlite3(dest);
    expect(copy.prepare('select count(*) as n from sqlite_master').get()).toEqual({ n: 0 });
    copy.close();
  });
});

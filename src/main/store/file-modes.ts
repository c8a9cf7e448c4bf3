/**
 * Data at rest is for this user only: on POSIX the data directory and every folder the till writes
 * into are 0700, the database (with its -wal and -shm), backups, exports, receipts and `secrets.key`
 * are 0600. A copied database gives up its PINs to offline guessing (scrypt of a 4-digit PIN), so
 * nobody else on the machine may read it. New files are created with the mode (never created
 * readable and tightened later); existing ones are tightened at every start. On Windows the files
 * live under the user's profile, whose ACL already keeps other users out: these are no-ops there.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = process.platform !== 'win32';

/** Tightens one existing file or folder; a file system without modes (FAT on a USB drive) is left as it is. */
function chmodQuietly(path: string, mode: number): void {
  if (!posix) return;
  try {
    chmodSync(path, mode);
  } catch {
    /* a missing file, or a file system that has no modes */
  }
}

/** Creates the folder (and its parents) 0700 if missing, and makes it 0700 if it exists. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodQuietly(dir, PRIVATE_DIR_MODE);
}

/** Makes an existing file 0600 (nothing if it does not exist). */
export function makePrivate(file: string): void {
  if (existsSync(file)) chmodQuietly(file, PRIVATE_FILE_MODE);
}

/**
 * Creates an empty file 0600 if it does not exist yet (then tightens it either way), so that a
 * program that opens it afterwards — SQLite, which gives its -wal and -shm files the main file's
 * mode — never creates it with the process's default 0644.
 */
export function createPrivateFile(file: string): void {
  if (!existsSync(file)) {
    try {
      closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  makePrivate(file);
}

/** Tightens a folder and every file directly inside it (one level: backups/, receipts/). */
function privateFolder(dir: string): void {
  if (!posix || !existsSync(dir)) return;
  chmodQuietly(dir, PRIVATE_DIR_MODE);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (st.isFile()) chmodQuietly(path, PRIVATE_FILE_MODE);
      else if (st.isDirectory()) privateFolder(path);
    } catch {
      /* gone meanwhile */
    }
  }
}

/** The folders beside the database that hold copies of its data or secrets. */
export const PRIVATE_FOLDERS = ['backups', 'receipts', 'restores', 'sandbox'] as const;

/**
 * At every start: the data directory 0700; the database, its -wal and -shm, `secrets.key` 0600;
 * the backups, receipts, restores (damaged files kept aside, exports) and sandbox folders 0700 with
 * their files 0600 — so a store written by an earlier version (0755/0644) is tightened too.
 */
export function privatizeDataDir(dataDir: string, dbFile: string): void {
  if (!posix) return;
  chmodQuietly(dataDir, PRIVATE_DIR_MODE);
  for (const suffix of ['', '-wal', '-shm', '-journal']) makePrivate(join(dataDir, dbFile + suffix));
  makePrivate(join(dataDir, 'secrets.key'));
  for (const folder of PRIVATE_FOLDERS) privateFolder(join(dataDir, folder));
}

import { PosError } from '../../shared/errors';

/** Turns a better-sqlite3 error into a clear, typed error. Unknown errors become INTERNAL. */
export function toPosError(err: unknown, file?: string): PosError {
  if (err instanceof PosError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  const where = file ? ` (${file})` : '';
  if (code === 'SQLITE_FULL') {
    return new PosError('STORAGE_FULL', `The disk is full${where}; nothing was saved. Free some space and try again.`);
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    return new PosError('STORAGE_READONLY', `The database cannot be written${where}: ${message}. Nothing was saved.`);
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new PosError(
      'STORAGE_CORRUPT',
      `The database${where} is damaged or is not a Counter POS database (${message}). It was left untouched; restore a copy from the backups folder or start with a fresh data directory.`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new PosError('STORAGE_BUSY', `The database is busy${where}; nothing was saved. Try again.`);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new PosError('STORAGE_READONLY', `The disk reported an error${where}: ${message}. Nothing was saved.`);
  }
  return new PosError('INTERNAL', message);
}

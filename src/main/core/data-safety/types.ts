/** What data safety is built from, its timing, and what its parts (backups, checks, restore) share. */
import type { Store } from '../../store/db';
import type { Clock } from '../clock';
import type { Events } from '../events';
import type { Settings } from '../settings';
import type { Manifest } from './record';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const DATA_SAFETY_TIMING = {
  /** a backup is due when the last good one is this old */
  backupEveryMs: DAY,
  /** a failed backup is tried again after this */
  retryMs: HOUR,
  /** the first integrity check after start */
  firstCheckAfterMs: 2 * MINUTE,
  checkEveryMs: DAY,
  /** how often the schedule looks at the clock */
  tickMs: MINUTE,
};
export type DataSafetyTiming = typeof DATA_SAFETY_TIMING;

export interface DataSafetyOptions {
  store: Store;
  dataDir: string;
  clock: Clock;
  settings: Settings;
  events: Events;
  log?: (line: string) => void;
  /** the store's time zone: the retention keeps one backup per store day */
  timeZone?: () => string;
  timing?: Partial<DataSafetyTiming>;
  /** copies the live database to a file (default: the online backup in a worker); tests simulate a full disk here */
  copier?: (source: string, dest: string) => Promise<void>;
  /**
   * Runs inside the restore's re-entry transaction, on the restored database, before the till sells
   * on it. The till identity is rotated here (`rotateTillIdentity(store, 'restored')`), so a restored
   * database never repeats a trade number used after its backup.
   */
  afterRestore?: (store: Store) => void;
  /**
   * Runs after each verified backup, on the live store: the till identity reseals the live database
   * here (`identity.afterBackup()`), so the backup, if ever put back, is recognised as older.
   */
  afterBackup?: () => void;
  /** stops the background work on the store (pollers, schedules) before a restore closes it … */
  pause?: () => void;
  /** … and starts it again, with the caches reloaded, once the store is open again */
  resume?: () => void;
}

/** What the parts of data safety share; `DataSafety` holds it. */
export interface SafetyState {
  readonly o: DataSafetyOptions;
  /** the record, kept in `backups/data-safety.json` */
  readonly manifest: Manifest;
  readonly backupDir: string;
  /** the core is closing: nothing more is started or written */
  isClosed(): boolean;
  /** aborted when the core closes: a backup or check still running is stopped */
  readonly closing: AbortSignal;
  /** a restore is being applied: the store may be closed */
  isRestoring(): boolean;
  /** saves the record and tells the screens (`dataSafety.changed`) */
  changed(): void;
  log(line: string): void;
}

/**
 * The till's identity in every number it sends to an intermediary.
 *
 * An intermediary's trade number (`out_trade_no`) and refund request number are unique per merchant
 * account, for ever, while one account serves every till of a shop, and one till's data can be
 * reinstalled, restored from a backup or copied. A number built only from the order number would be
 * taken by another till, or by this till again after a restore, and the intermediary would answer
 * about the other trade — an unpaid order taken as paid. So each number carries:
 *
 *   202612020001 T01 K7Q2MX A 1        (order 20261202-0001, till T01, installation K7Q2MX, Alipay, attempt 1)
 *
 * - the terminal (`terminal.id`, letters and digits, at most 4), for people reading a statement;
 * - the installation code: 6 random base-32 characters taken when the data was created, kept in the
 *   append-only `till_identity` table (migration 0011). It is never reused: the till takes a new one
 *   whenever this data may be a copy — restored from a backup, copied to another folder or machine —
 *   and whenever an intermediary shows that a number was taken anyway (`collision`).
 *
 * How a copy is noticed: at every start, and after every backup, the till writes a new random seal
 * into the database (`till.seal` with the host and folder it runs in) and into a file beside it
 * (`identity.seal`). A database restored from a backup or an older copy carries an older seal than
 * the file; a data folder copied elsewhere carries another host or folder. Either way the till takes
 * a new installation code before it sends anything. Taking a new code is always safe (numbers only
 * become more unique), so every doubt is resolved that way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { prepared, type Store } from '../../store/db';
import { newInstallationCode } from '../../store/migrations/0011-till-identity';
import type { Clock } from '../clock';

export const SEAL_FILE = 'identity.seal';
const SEAL_KEY = 'till.seal';

export type IdentityReason = 'new' | 'migrated' | 'restored' | 'moved' | 'collision';

interface Seal {
  token: string;
  /** a hash of the host name and the data folder's path */
  place: string;
}

export interface IdentityCheck {
  installation: string;
  /** why a new installation code was taken at this start, if one was */
  rotated: Exclude<IdentityReason, 'new' | 'migrated' | 'collision'> | null;
}

/** The terminal as it goes into a trade number: letters and digits, upper case, at most 4 (else `T`). */
export function terminalCode(terminal: string): string {
  const code = terminal
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 4);
  return code || 'T';
}

/** Read on every trade and refund number (a sale): built and compiled once (store/db.ts `prepared`). */
const LATEST_INSTALLATION = prepared((k) =>
  k.selectFrom('till_identity').select('installation').orderBy('id', 'desc').limit(1),
);

export class TillIdentity {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly dataDir: string,
    private readonly terminal: () => string,
    private readonly log: (line: string) => void = () => undefined,
    private readonly host: () => string = hostname,
  ) {
    this.latest(); // refuses a database without an identity at once
  }

  private get k() {
    return this.store.kysely;
  }

  private latest(): string {
    const row = this.store.first(LATEST_INSTALLATION());
    if (!row) throw new Error('the database has no till identity (migration 0011 did not run)');
    return row.installation;
  }

  /** The installation code every new number carries: the newest in the table (read each time, never cached). */
  get installation(): string {
    return this.latest();
  }

  /** Every installation code this data has used, oldest first. */
  history(): { installation: string; reason: IdentityReason; detail: string | null; createdAt: number }[] {
    return this.store
      .all(this.k.selectFrom('till_identity').select(['installation', 'reason', 'detail', 'created_at']).orderBy('id'))
      .map((r) => ({
        installation: r.installation,
        reason: r.reason as IdentityReason,
        detail: r.detail,
        createdAt: r.created_at,
      }));
  }

  private place(): string {
    return createHash('sha256')
      .update(`${this.host()}\n${resolve(this.dataDir)}`)
      .digest('hex')
      .slice(0, 32);
  }

  private readSealFile(): string | null {
    try {
      return readFileSync(join(this.dataDir, SEAL_FILE), 'utf8').trim() || null;
    } catch {
      return null;
    }
  }

  private readSealRow(): Seal | null {
    const raw = this.store.first(this.k.selectFrom('settings').select('value').where('key', '=', SEAL_KEY))?.value;
    if (!raw) return null;
    try {
      const v = JSON.parse(raw) as Partial<Seal>;
      return typeof v.token === 'string' && typeof v.place === 'string' ? { token: v.token, place: v.place } : null;
    } catch {
      return null;
    }
  }

  /**
   * At start, before anything is sent: takes a new installation code when this database may be a
   * copy (see the file comment), then seals the database and the folder with a new token.
   */
  check(): IdentityCheck {
    const sealed = this.readSealRow();
    const file = this.readSealFile();
    const place = this.place();
    let rotated: IdentityCheck['rotated'] = null;
    // a database that was never sealed is new, or was just migrated to a fresh code: nothing to compare
    if (sealed) {
      if (sealed.place !== place) rotated = 'moved';
      else if (sealed.token !== file) rotated = 'restored';
    }
    if (rotated) {
      const detail =
        rotated === 'moved'
          ? 'the data was copied from another machine or folder'
          : file === null
            ? 'the seal beside the database is missing'
            : 'the database is older than its folder: restored from a backup or a copy';
      this.rotate(rotated, detail);
    }
    this.reseal(place);
    return { installation: this.latest(), rotated };
  }

  /**
   * After a backup is written: the live database and its folder get a new seal, so that the backup,
   * if it is ever put back in place, is recognised as older and the till takes a new code.
   */
  afterBackup(): void {
    this.reseal(this.place());
  }

  private reseal(place: string): void {
    const token = randomBytes(16).toString('hex');
    const value = JSON.stringify({ token, place } satisfies Seal);
    this.store.tx(() =>
      this.store.run(
        this.k
          .insertInto('settings')
          .values({ key: SEAL_KEY, value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value })),
      ),
    );
    // the file is written after the database: a crash in between leaves them different, and the next
    // start takes a new code — harmless, as every doubt is
    try {
      const path = join(this.dataDir, SEAL_FILE);
      const tmp = `${path}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, `${token}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (err) {
      this.log(
        `the identity seal could not be written beside the database (${(err as Error).message}); the next start will take a new installation code`,
      );
    }
  }

  /** Takes a new installation code, never one this data has used; returns it. */
  rotate(reason: Exclude<IdentityReason, 'new' | 'migrated'>, detail: string | null = null): string {
    const was = this.latest();
    const used = new Set(this.history().map((h) => h.installation));
    let next = newInstallationCode();
    while (used.has(next)) next = newInstallationCode();
    this.store.tx(() =>
      this.store.run(
        this.k.insertInto('till_identity').values({ installation: next, reason, detail, created_at: this.clock.now() }),
      ),
    );
    this.log(
      `took a new installation code ${next} for trade numbers (${reason}${detail ? `: ${detail}` : ''}); it was ${was}`,
    );
    return next;
  }

  /**
   * A trade number (`out_trade_no`): the order number's digits, the terminal, the installation, the
   * provider's letter (A, W, Y; C for cash, which never leaves the till) and the attempt's count on
   * the order. At most 12 + 4 + 6 + 1 + 3 = 26 characters, letters and digits only: within every
   * intermediary's limits (WeChat's 32 is the smallest).
   */
  tradeNo(orderNumber: string, letter: string, attempt: number): string {
    return `${orderNumber.replace(/-/g, '')}${terminalCode(this.terminal())}${this.latest()}${letter}${attempt}`;
  }

  /**
   * A refund request number (`out_request_no`, `out_refund_no`): the trade number, R, the current
   * installation and the refund's count on the payment. The installation is the current one, not the
   * payment's: a refund asked after a restore must not repeat a number used before it.
   */
  refundNo(outTradeNo: string, n: number): string {
    return `${outTradeNo}R${this.latest()}${n}`;
  }
}

/** Store-wide settings kept in the `settings` table, with defaults for a fresh data directory. */
import type { ReceiptLogo } from '../../shared/device-types';
import type { Locale, PoleDisplaySettings, PrinterConfig } from '../../shared/types';
import type { Store } from '../store/db';

export interface SettingsValues {
  storeName: string;
  storeAddress: string;
  storePhone: string;
  terminal: string;
  clerk: string;
  locale: Locale | null;
  timeZone: string | null;
  catalogueSeeded: boolean;
  /** the daily reconciliation run, store time `HH:MM` */
  reconDailyAt: string;
  /** the reconciliation's cross-midnight buffer, minutes */
  reconBufferMinutes: number;
  /** expected intermediary fees, parts per million of the amount, per provider (absent: not checked) */
  reconFeeRatesPpm: Partial<Record<'alipay' | 'wechat' | 'yeepay', number>>;
  /** a clerk may give at most this discount (percent of what it applies to) without the owner */
  discountLimitPercent: number;
  /** automatic backups are kept this many days (core/data-safety/backups.ts) */
  backupRetentionDays: number;
  /** a second folder or drive receiving a copy of every backup (owner) */
  backupSecondFolder: string | null;
  /** the receipt printer (core/hardware/): the HTML path by default */
  printer: PrinterConfig;
  /** scale label layouts (core/hardware/scale-barcodes.ts); empty: scale labels are not read */
  scaleLayouts: string[];
  /** the serial pole display (core/hardware/pole-display.ts) */
  poleDisplay: PoleDisplaySettings;
  /** the store logo printed at the top of ESC/POS receipts (core/hardware/logo.ts); null: none */
  receiptLogo: ReceiptLogo | null;
  /**
   * Refuse cash (a sale, or the cash part of a payment) while this terminal's drawer is not open
   * (core/cash/drawer-rule.ts). A new store is created with it on (core.ts); a store from before the
   * setting has no value and reads as off, so an upgrade keeps selling as it did.
   */
  requireOpenDrawer: boolean;
}

const KEYS: Record<keyof SettingsValues, string> = {
  storeName: 'store.name',
  storeAddress: 'store.address',
  storePhone: 'store.phone',
  terminal: 'terminal.id',
  clerk: 'clerk.name',
  locale: 'ui.locale',
  timeZone: 'store.timeZone',
  catalogueSeeded: 'catalogue.seeded',
  reconDailyAt: 'recon.dailyAt',
  reconBufferMinutes: 'recon.bufferMinutes',
  reconFeeRatesPpm: 'recon.feeRatesPpm',
  discountLimitPercent: 'discount.limitPercent',
  backupRetentionDays: 'backup.retentionDays',
  backupSecondFolder: 'backup.secondFolder',
  printer: 'printer.config',
  scaleLayouts: 'scale.layouts',
  poleDisplay: 'devices.pole',
  receiptLogo: 'printer.logo',
  requireOpenDrawer: 'cash.requireOpenDrawer',
};

export const DEFAULT_SETTINGS: SettingsValues = {
  storeName: 'Counter POS 演示便利店 Demo Store',
  storeAddress: '演示路 1 号 · 1 Demo Road',
  storePhone: '400-000-0000',
  terminal: 'T01',
  clerk: '收银员 01',
  locale: null,
  timeZone: null,
  catalogueSeeded: false,
  reconDailyAt: '10:00',
  reconBufferMinutes: 30,
  reconFeeRatesPpm: {},
  discountLimitPercent: 20,
  backupRetentionDays: 7,
  backupSecondFolder: null,
  printer: {
    kind: 'html',
    host: '',
    port: 9100,
    queue: '',
    serialPath: '',
    baudRate: 9600,
    width: 58,
    codePage: 'gb18030',
    cutter: true,
    status: true,
    drawer: false,
    drawerPin: 2,
    pulseMs: 100,
  },
  scaleLayouts: [],
  poleDisplay: { enabled: false, port: '', baud: 9600, charset: 'gb18030' },
  receiptLogo: null,
  // off when absent: only a store created since the setting exists has it written on (core.ts)
  requireOpenDrawer: false,
};

export class Settings {
  private cache: SettingsValues;

  constructor(private readonly store: Store) {
    this.cache = this.load();
  }

  private load(): SettingsValues {
    const rows = this.store.all(this.store.kysely.selectFrom('settings').selectAll());
    const map = new Map(rows.map((r) => [r.key, r.value]));
    const v = { ...DEFAULT_SETTINGS };
    for (const [field, key] of Object.entries(KEYS) as [keyof SettingsValues, string][]) {
      const raw = map.get(key);
      if (raw === undefined) continue;
      (v as Record<string, unknown>)[field] = JSON.parse(raw) as unknown;
    }
    return v;
  }

  /** Reads the settings again (after a restore replaced the database). */
  reload(): void {
    this.cache = this.load();
  }

  get values(): Readonly<SettingsValues> {
    return this.cache;
  }

  set<K extends keyof SettingsValues>(field: K, value: SettingsValues[K]): void {
    const k = this.store.kysely;
    this.store.run(
      k
        .insertInto('settings')
        .values({ key: KEYS[field], value: JSON.stringify(value) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value) })),
    );
    this.cache = { ...this.cache, [field]: value };
  }
}

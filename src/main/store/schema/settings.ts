/**
 * The settings and the till's identity.
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated } from 'kysely';

/** The tables of this domain in `Database` (schema.ts). */
export interface SettingsTables {
  settings: SettingsTable;
  till_identity: TillIdentityTable;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Every installation code this data has used (migration 0011; core/payments/till-identity.ts), append-only. */
export interface TillIdentityTable {
  id: Generated<number>;
  installation: string;
  reason: 'new' | 'migrated' | 'restored' | 'moved' | 'collision';
  detail: string | null;
  created_at: number;
}

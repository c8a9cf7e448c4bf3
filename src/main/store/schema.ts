/**
 * Kysely table types. Times are epoch milliseconds; money is integer fen; booleans are 0/1.
 *
 * One file per domain in schema/, each with its tables and row types and the map of its tables;
 * `Database` is every domain's map. Everything is re-exported here, so code imports `store/schema`.
 */
import type { SettingsTables } from './schema/settings';
import type { CatalogueTables } from './schema/catalogue';
import type { SalesTables } from './schema/sales';
import type { PaymentsTables } from './schema/payments';
import type { PeopleTables } from './schema/people';
import type { ReconciliationTables } from './schema/reconciliation';
import type { CashTables } from './schema/cash';
import type { DataSafetyTables } from './schema/data-safety';
import type { PrintQueueTables } from './schema/print-queue';
import type { ReportsTables } from './schema/reports';

export type * from './schema/settings';
export type * from './schema/catalogue';
export type * from './schema/sales';
export type * from './schema/payments';
export type * from './schema/people';
export type * from './schema/reconciliation';
export type * from './schema/cash';
export type * from './schema/data-safety';
export type * from './schema/print-queue';
export type * from './schema/reports';

/** Every table of the store, as kysely sees it. */
export interface Database
  extends SettingsTables,
    CatalogueTables,
    SalesTables,
    PaymentsTables,
    PeopleTables,
    ReconciliationTables,
    CashTables,
    DataSafetyTables,
    PrintQueueTables,
    ReportsTables {}

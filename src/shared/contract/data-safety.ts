/**
 * Data safety (core/data-safety/): backups, integrity checks, restore. The methods' schemas,
 * spread into the one contract in ../contract.ts.
 */
import { z } from 'zod';
import type {
  BackupView,
  DataSafetyOverview,
  DataSafetySettingsView,
  DataSafetyStatus,
  IntegrityCheckView,
  RestorePlan,
  RestoreResult,
} from '../types';
import { empty, line, approvalPin, method } from './common';

/** a backup by its file name in backups/ (no path) */
const backupId = z
  .string()
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.sqlite$/);

export const dataSafetyMethods = {
  /** data safety (core/data-safety/): is the database damaged, is a restore under way — for the banner (anyone; no paths) */
  'dataSafety.status': method<DataSafetyStatus>()(empty),
  /** backups with their verification, integrity checks, the damage found, settings, past restores (owner: it shows paths) */
  'dataSafety.overview': method<DataSafetyOverview>()(z.object({ approvalPin }).strict()),
  /** take a verified backup now (owner) */
  'dataSafety.backupNow': method<BackupView>()(z.object({ approvalPin }).strict()),
  /** check the live database now (owner) */
  'dataSafety.checkNow': method<IntegrityCheckView>()(z.object({ approvalPin }).strict()),
  /** how long backups are kept, and a second folder or drive for a copy of each (owner; audited) */
  'dataSafety.setSettings': method<DataSafetySettingsView>()(
    z
      .object({
        retentionDays: z.number().int().min(1).max(365),
        secondFolder: line(z.string().trim().max(500)).nullable(),
        approvalPin,
      })
      .strict(),
  ),
  /** what a restore would bring back and re-enter; changes nothing (owner) */
  'dataSafety.restorePlan': method<RestorePlan>()(z.object({ backupId: backupId.optional(), approvalPin }).strict()),
  /**
   * restore a verified backup and re-enter what was written since (owner, always with the owner's
   * PIN, also when an owner is signed in). Over a database that passes its check it needs
   * `confirmHealthy` (RESTORE_NOT_NEEDED otherwise).
   */
  'dataSafety.restore': method<RestoreResult>()(
    z
      .object({
        backupId: backupId.optional(),
        confirmHealthy: z.boolean().optional(),
        approvalPin: z.string().regex(/^\d{4,8}$/),
      })
      .strict(),
  ),
};

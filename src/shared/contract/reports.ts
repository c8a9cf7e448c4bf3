/**
 * Sales review (core/reports/). The methods' schemas, spread into the one contract in
 * ../contract.ts.
 */
import { z } from 'zod';
import type { ReportFile, ReportPrintable, SalesReport } from '../types';
import { day, approvalPin, method } from './common';

export const reportsMethods = {
  /** sales review over business days `from`–`to` (owner): totals, by day, hour, method, clerk, terminal, product, category */
  'reports.sales': method<SalesReport>()(
    z.object({ from: day, to: day, top: z.number().int().min(1).max(50).optional(), approvalPin }).strict(),
  ),
  /** the same report as one CSV file (owner) */
  'reports.exportCsv': method<ReportFile>()(z.object({ from: day, to: day, approvalPin }).strict()),
  /** the same report as a printable A4 page (owner) */
  'reports.printable': method<ReportPrintable>()(
    z.object({ from: day, to: day, top: z.number().int().min(1).max(50).optional(), approvalPin }).strict(),
  ),
};

import type { Migration } from 'kysely';
import { m0001Catalogue } from './0001-catalogue';
import { m0002Carts } from './0002-carts';
import { m0003OrdersPayments } from './0003-orders-payments';
import { m0004PaymentAttempts } from './0004-payment-attempts';
import { m0005UsersAuditRefunds } from './0005-users-audit-refunds';
import { m0006Reconciliation } from './0006-reconciliation';
import { m0007CatalogueStock } from './0007-catalogue-stock';
import { m0008ReportRollups } from './0008-report-rollups';
import { m0009CashSessions } from './0009-cash-sessions';
import { m0010RefundRequests } from './0010-refund-requests';
import { m0011TillIdentity } from './0011-till-identity';
import { m0012DataRestores } from './0012-data-restores';
import { m0013DiscountApprovals } from './0013-discount-approvals';
import { m0014HotIndexes } from './0014-hot-indexes';
import { m0016PrintJobs } from './0016-print-jobs';
import { m0018ScaleLabels } from './0018-scale-labels';
import { m0019PrintJobLookups } from './0019-print-job-lookups';
import { m0020OpenOrders } from './0020-open-orders';
import { m0021SplitTender } from './0021-split-tender';

/**
 * The static, ordered list of migrations (bundlers cannot scan a folder). Names sort in the order
 * they run; never rename or edit a shipped migration, add a new one.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-catalogue': m0001Catalogue,
  '0002-carts': m0002Carts,
  '0003-orders-payments': m0003OrdersPayments,
  '0004-payment-attempts': m0004PaymentAttempts,
  '0005-users-audit-refunds': m0005UsersAuditRefunds,
  '0006-reconciliation': m0006Reconciliation,
  '0007-catalogue-stock': m0007CatalogueStock,
  '0008-report-rollups': m0008ReportRollups,
  '0009-cash-sessions': m0009CashSessions,
  '0010-refund-requests': m0010RefundRequests,
  '0011-till-identity': m0011TillIdentity,
  '0012-data-restores': m0012DataRestores,
  '0013-discount-approvals': m0013DiscountApprovals,
  '0014-hot-indexes': m0014HotIndexes,
  '0016-print-jobs': m0016PrintJobs,
  '0018-scale-labels': m0018ScaleLabels,
  '0019-print-job-lookups': m0019PrintJobLookups,
  '0020-open-orders': m0020OpenOrders,
  '0021-split-tender': m0021SplitTender,
};

export const MIGRATION_NAMES = Object.keys(MIGRATIONS).sort();
export const LATEST_MIGRATION = MIGRATION_NAMES[MIGRATION_NAMES.length - 1] as string;

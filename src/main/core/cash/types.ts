/** What cash sessions are built from, and what opening and closing take. */
import type { DenominationCounts } from '../../../shared/cash';
import type { ReconDayView } from '../../../shared/types';
import type { Store } from '../../store/db';
import type { Audit } from '../people/audit';
import type { Clock } from '../clock';
import type { Settings } from '../settings';

/** Where the statements come from: the reconciliation's day view. */
export interface StatementSource {
  day(day: string): Pick<ReconDayView, 'providers'>;
}

export interface CashSessionsOptions {
  store: Store;
  clock: Clock;
  audit: Audit;
  settings: Settings;
  timeZone: () => string;
  statements: StatementSource;
}

export interface OpenInput {
  floatFen?: number;
  denominations?: DenominationCounts;
}

export interface CloseInput {
  denominations: DenominationCounts;
  varianceReason?: string;
  acknowledgePending?: boolean;
}

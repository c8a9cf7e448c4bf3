/**
 * The owner's back office ("Manage" in the header): one entry per section. A section is a screen
 * component taking `onBack`; add yours here (one entry) and its title/description keys to both
 * dictionaries. Which actions need the owner is decided in main, not here.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import type { MessageKey } from '../i18n';
import CatalogueScreen from './catalogue/catalogue-screen';
import CashSessionScreen from './cash-session/cash-session-screen';
import DataSafetyScreen from './data-safety/data-safety-screen';
import PeopleScreen from './people';
import ReconciliationScreen from './reconciliation/reconciliation-screen';

/** The sales review brings a charting library: loaded when first opened, not at start-up. */
const ReportsScreen = lazy(() => import('./reports/reports-screen'));

export interface ManageSection {
  id: string;
  title: MessageKey;
  description: MessageKey;
  render: (props: { onBack: () => void; businessDay: string }) => ReactNode;
}

export const MANAGE_SECTIONS: ManageSection[] = [
  {
    id: 'catalogue',
    title: 'catalogue.title',
    description: 'catalogue.manageDescription',
    render: ({ onBack }) => <CatalogueScreen onBack={onBack} />,
  },
  {
    id: 'reconciliation',
    title: 'recon.title',
    description: 'recon.manageDescription',
    render: ({ onBack, businessDay }) => <ReconciliationScreen businessDay={businessDay} onBack={onBack} />,
  },
  {
    id: 'cash',
    title: 'cash.title',
    description: 'cash.manageDescription',
    render: ({ onBack, businessDay }) => <CashSessionScreen businessDay={businessDay} onBack={onBack} />,
  },
  {
    id: 'reports',
    title: 'reports.title',
    description: 'reports.manageDescription',
    render: ({ onBack, businessDay }) => (
      <Suspense fallback={<p className="muted">…</p>}>
        <ReportsScreen businessDay={businessDay} onBack={onBack} />
      </Suspense>
    ),
  },
  {
    id: 'people',
    title: 'people.title',
    description: 'people.manageDescription',
    render: ({ onBack }) => <PeopleScreen onBack={onBack} />,
  },
  {
    id: 'data-safety',
    title: 'safety.title',
    description: 'safety.manageDescription',
    render: ({ onBack }) => <DataSafetyScreen onBack={onBack} />,
  },
];

/**
 * The owner's back office ("Manage" in the header): one entry per section. A section is a screen
 * component taking `onBack`; add yours here (one entry) and its title/description keys to both
 * dictionaries. Which actions need the owner is decided in main, not here.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import type { MessageKey } from '../i18n';
// The sections' rules stay in the first stylesheet, where they always were (before styles.css, as
// App is imported first): loaded with their lazy screen they would come after it and win the ties
// of equal specificity they used to lose (the catalogue's table rows grew shorter).
import './catalogue/catalogue.css';
import './catalogue/catalogue-csv.css';
import './cash-session/cash-session.css';
import './cash-session/cash-dialogs.css';
import './data-safety/data-safety.css';
import './reconciliation/reconciliation.css';

/**
 * The owner's sections load when first opened, not at start-up: the counter's first tile waits for
 * every script of the first bundle, and a clerk selling never opens these. They are not fetched ahead
 * either: evaluating them is one long task on the page's thread, and a barcode scanned meanwhile
 * arrives as keystrokes that must not wait (use-scanner.ts tells a scan by their pace); a section's
 * first opening costs its parse, a few tens of milliseconds, once.
 */
const load = {
  catalogue: () => import('./catalogue/catalogue-screen'),
  reconciliation: () => import('./reconciliation/reconciliation-screen'),
  cash: () => import('./cash-session/cash-session-screen'),
  /** the sales review brings a charting library */
  reports: () => import('./reports/reports-screen'),
  people: () => import('./people'),
  dataSafety: () => import('./data-safety/data-safety-screen'),
};
const CatalogueScreen = lazy(load.catalogue);
const ReconciliationScreen = lazy(load.reconciliation);
const CashSessionScreen = lazy(load.cash);
const ReportsScreen = lazy(load.reports);
const PeopleScreen = lazy(load.people);
const DataSafetyScreen = lazy(load.dataSafety);

const loading = (node: ReactNode) => <Suspense fallback={<p className="muted">…</p>}>{node}</Suspense>;

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
    render: ({ onBack }) => loading(<CatalogueScreen onBack={onBack} />),
  },
  {
    id: 'reconciliation',
    title: 'recon.title',
    description: 'recon.manageDescription',
    render: ({ onBack, businessDay }) => loading(<ReconciliationScreen businessDay={businessDay} onBack={onBack} />),
  },
  {
    id: 'cash',
    title: 'cash.title',
    description: 'cash.manageDescription',
    render: ({ onBack, businessDay }) => loading(<CashSessionScreen businessDay={businessDay} onBack={onBack} />),
  },
  {
    id: 'reports',
    title: 'reports.title',
    description: 'reports.manageDescription',
    render: ({ onBack, businessDay }) => loading(<ReportsScreen businessDay={businessDay} onBack={onBack} />),
  },
  {
    id: 'people',
    title: 'people.title',
    description: 'people.manageDescription',
    render: ({ onBack }) => loading(<PeopleScreen onBack={onBack} />),
  },
  {
    id: 'data-safety',
    title: 'safety.title',
    description: 'safety.manageDescription',
    render: ({ onBack }) => loading(<DataSafetyScreen onBack={onBack} />),
  },
];

/**
 * View types returned by the contract. All amounts are integer fen; all times are epoch milliseconds.
 * One file per domain under types/ (issue 11: no source file over ~500 lines); this index re-exports
 * them all, so every importer keeps importing from here. A domain file imports its siblings directly,
 * never this index (that would be an import circle).
 */
export * from './types/app';
export * from './types/sales';
export * from './types/catalogue';
export * from './types/hardware';
export * from './types/payments';
export * from './types/people';
export * from './types/refunds';
export * from './types/data-safety';
export * from './types/reconciliation';
export * from './types/cash';
export * from './types/reports';
export * from './types/tender';

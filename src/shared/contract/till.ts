/**
 * The till's own start-up questions (core/counter/handlers.ts): the payment to reopen after a
 * restart. Spread into the one contract in ../contract.ts.
 */
import type { ResumablePayment } from '../counter-types';
import { empty, method } from './common';

export const tillMethods = {
  /** the order this terminal was taking an intermediary payment for when the till (re)started, still open */
  'till.resumePayment': method<ResumablePayment | null>()(empty),
};
